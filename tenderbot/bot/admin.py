"""/status for everyone; /stats, /broadcast and /sources for the operators (TENDERBOT_ADMIN_CHAT_IDS)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import ensure_chat, get_deps, is_bot_admin, lang_of, new_token, reply
from tenderbot.bot.reports import SourceHealth, source_health, stats
from tenderbot.notify.render import esc
from tenderbot.store.outbox import OutboxItem
from tenderbot.texts import t

# A source that has not succeeded for this long is shown as unhealthy even without recorded failures.
STALE_AFTER = timedelta(hours=6)
BROADCAST_KIND = "broadcast"


def _when(moment: datetime | None, tz: tzinfo, lang: str) -> str:
    return t(lang, "never") if moment is None else f"{moment.astimezone(tz):%m-%d %H:%M}"


def render_sources(
    health: Sequence[SourceHealth], now: datetime, tz: tzinfo, lang: str, *, detail: bool = False
) -> str:
    """One line per source: healthy mark, last poll, last success, and how it is failing.

    The stored error is the fetcher's English text for operators: ``detail`` (/sources) shows it; /status
    says the same thing in the reader's language (issue 9: Chinese replies stay Chinese).
    """
    if not health:
        return t(lang, "no_sources")
    lines = []
    for source in health:
        stale = source.last_success is None or now - source.last_success > STALE_AFTER
        bad = source.failures > 0 or stale
        error = ""
        if source.failures:
            error = " — " + t(lang, "source_failing", failures=source.failures)
            if detail and source.last_error:
                error += f": {source.last_error[:80]}"
        lines.append(
            esc(
                t(
                    lang,
                    "source_line",
                    mark=t(lang, "source_bad" if bad else "source_ok"),
                    name=source.name,
                    poll=_when(source.last_poll_at, tz, lang),
                    ok=_when(source.last_success, tz, lang),
                    error=error,
                )
            )
        )
    lines.append(esc(t(lang, "times_in", zone=str(tz))))  # every time shown to a person says its zone
    return "\n".join(lines)


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sources' health and this chat's numbers: subscriptions, alerts sent in 7 days, followed projects."""
    deps = get_deps(context)
    lang = lang_of(update)
    chat = await ensure_chat(update, deps)
    assert chat is not None
    now = deps.clock()
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    text = t(
        lang,
        "status",
        subs=len(subscriptions),
        paused=sum(1 for s in subscriptions if not s.active),
        alerts=await deps.store.chats.alerts_sent_since(chat.id, now - timedelta(days=7)),
        follows=await deps.store.chats.follow_count(chat.id),
        sources=render_sources(await source_health(deps.store.engine), now, ZoneInfo(chat.timezone), lang),
    )
    await reply(update, text)


async def _refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Politely refuse anyone who is not an operator, without saying what the command would show."""
    if is_bot_admin(update, get_deps(context)):
        return False
    await reply(update, t(lang_of(update), "admins_only"))
    return True


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Chats, subscriptions, notices in 24 h and 7 days, outbox rows per state."""
    if await _refuse_non_admin(update, context):
        return
    deps = get_deps(context)
    numbers = await stats(deps.store.engine, deps.clock())
    outbox = await deps.store.outbox.counts()
    text = t(
        lang_of(update),
        "stats",
        chats_active=numbers.chats_active,
        chats_all=numbers.chats_all,
        subs_active=numbers.subs_active,
        subs_all=numbers.subs_all,
        n24=numbers.notices_24h,
        n7=numbers.notices_7d,
        n_all=numbers.notices_all,
        outbox=esc(", ".join(f"{state} {n}" for state, n in sorted(outbox.items())) or "0"),
    )
    await reply(update, text)


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The health table of every polled source."""
    if await _refuse_non_admin(update, context):
        return
    deps = get_deps(context)
    lang = lang_of(update)
    health = await source_health(deps.store.engine)
    body = render_sources(health, deps.clock(), deps.tz, lang, detail=True)
    await reply(update, t(lang, "sources_header") + "\n" + body)


async def broadcast_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue one outbox row per active chat; the sender sends the (escaped) text as it is."""
    if await _refuse_non_admin(update, context):
        return
    deps = get_deps(context)
    lang = lang_of(update)
    message = update.effective_message
    raw = (message.text or "") if message else ""
    # Keep the operator's line breaks: context.args would have collapsed them.
    body = raw.split(maxsplit=1)[1].strip() if len(raw.split(maxsplit=1)) > 1 else ""
    if not body:
        await reply(update, t(lang, "broadcast_usage"))
        return
    key = f"broadcast:{new_token()}"
    targets = [chat for chat in await deps.store.chats.all() if chat.kind != "console"]
    items = [OutboxItem(chat.id, BROADCAST_KIND, key, payload={"text": esc(body)}) for chat in targets]
    queued = await deps.store.outbox.enqueue(items, deps.clock())
    await reply(update, t(lang, "broadcast_queued", count=queued))
