"""Saving a query (/sub, the guided flow, shares): validate, save, update the matcher, preview last week."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import BotDeps, ensure_chat, get_deps, lang_of, may_change, reply, shown, toast
from tenderbot.bot.preview import PREVIEW_DAYS, PreviewHit, render_preview
from tenderbot.errors import QueryError
from tenderbot.matching.query import Query, parse_query
from tenderbot.models import Subscription
from tenderbot.notify.render import esc
from tenderbot.texts import t

MAX_SUBSCRIPTIONS = 50


def describe(query: Query, lang: str) -> str:
    """A subscription for humans: the canonical query, plus the Chinese summary for Chinese readers."""
    code = f"<code>{shown(query.canonical(), 1200)}</code>"
    return code if lang == "en" else f"{code}\n{shown(query.describe(), 1200)}"


async def preview_text(deps: BotDeps, query: Query, lang: str, timezone: str | None = None) -> str:
    """How many notices of the last 7 days a query matches, and the best three."""
    now = deps.clock()
    matched = await deps.index.recent_matches(deps.store.notices, query, now - timedelta(days=PREVIEW_DAYS))
    hits = [PreviewHit(stored.notice, stored.first_seen_at) for stored, _ in matched]
    return render_preview(hits, now, ZoneInfo(timezone) if timezone else deps.tz, lang)


async def save_query(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, checked: bool = False
) -> tuple[Subscription, str] | None:
    """Parse and save a query for the update's chat; reply with the precise error and save nothing on failure.

    Returns the saved subscription and the confirmation text (with preview) for the caller to show.
    """
    deps = get_deps(context)
    lang = lang_of(update)
    if not checked and not await may_change(update, context):
        return None
    try:
        query = parse_query(text)
    except QueryError as exc:
        await _tell(update, t(lang, "not_saved", error=esc(exc.message(lang))))
        return None
    chat = await ensure_chat(update, deps)
    assert chat is not None
    existing = await deps.store.chats.subscriptions(chat.id)
    canonical = query.canonical()
    for subscription in existing:
        if subscription.query == canonical:
            await _tell(update, t(lang, "sub_duplicate", n=subscription.number))
            return None
    if len(existing) >= MAX_SUBSCRIPTIONS:
        await _tell(update, t(lang, "sub_limit", limit=MAX_SUBSCRIPTIONS))
        return None
    subscription = await deps.store.chats.add_subscription(chat.id, canonical, deps.clock())
    deps.index.put(subscription)
    head = t(lang, "sub_saved", n=subscription.number, desc=describe(query, lang))
    return subscription, head + "\n\n" + await preview_text(deps, query, lang, chat.timezone)


async def _tell(update: Update, text: str) -> None:
    """Reply to a command, or show a toast for a button press."""
    if update.callback_query is not None:
        await update.callback_query.answer(toast(text), show_alert=True)
    else:
        await reply(update, text)

