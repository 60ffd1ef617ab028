"""/digest and /settings: time zone, instant alerts or digest only, quiet hours, digest time, empty digests.

Only the choices are stored here; the delivery job sends digests. Any change clears
``chats.next_digest_at`` so the digest tick recomputes it. Buttons: ``g:<setting>:<choice index>``.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import Keyboard, edit, ensure_chat, get_deps, lang_of, may_change, reply
from tenderbot.notify.render import esc
from tenderbot.store.chats import ChatRecord, ChatRepo
from tenderbot.texts import t

DEFAULT_DIGEST_TIME = "08:30"
TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Europe/Berlin", "UTC")
QUIET_PRESETS = ("", "22:00-08:00", "23:00-07:00", "21:00-09:00")
# The longest IANA name is 32 characters (America/Argentina/ComodRivadavia); a 300-character one made
# zoneinfo raise OSError (file name too long) and /settings went unanswered (issue 16).
_MAX_ZONE_NAME = 64
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_clock(text: str) -> str | None:
    """``8:30`` / ``08:30`` / ``08：30`` → ``08:30``; None when it is not a time of day."""
    found = _CLOCK.match(text.strip())
    return f"{int(found.group(1)):02d}:{found.group(2)}" if found else None


def parse_quiet(text: str) -> str | None:
    """``22:00-08:00`` → itself normalised; None when malformed (``off`` is handled by the caller)."""
    start, sep, end = text.strip().replace("–", "-").replace("~", "-").partition("-")
    first, second = parse_clock(start), parse_clock(end)
    return f"{first}-{second}" if sep and first and second and first != second else None


def is_timezone(name: str) -> bool:
    """Whether a name is an IANA time zone this system knows."""
    if not name or len(name) > _MAX_ZONE_NAME:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name the file system refuses
        return False
    return True


def render_settings(chat: ChatRecord, lang: str) -> tuple[str, Keyboard]:
    """The settings panel: current values and one button per choice."""
    off = t(lang, "off")
    text = t(
        lang,
        "settings",
        tz=esc(chat.timezone),
        mode=t(lang, "mode_instant" if chat.instant else "mode_digest"),
        digest=esc(chat.digest_time or off),
        quiet=esc(chat.quiet_hours or off),
        always=t(lang, "always_on" if chat.digest_always else "always_off"),
    )
    mark = "✓ "
    zones = [((mark if z == chat.timezone else "") + z, f"g:tz:{i}") for i, z in enumerate(TIMEZONES)]
    rows: Keyboard = [zones[:3], zones[3:]]
    rows.append(
        [
            ((mark if chat.instant else "") + t(lang, "btn_instant"), "g:m:1"),
            ((mark if not chat.instant else "") + t(lang, "btn_digest_only"), "g:m:0"),
        ]
    )
    quiet = [
        ((mark if (q or None) == chat.quiet_hours else "") + (q or t(lang, "btn_quiet_off")), f"g:q:{i}")
        for i, q in enumerate(QUIET_PRESETS)
    ]
    rows.append(quiet)
    always = ("✓ " if chat.digest_always else "") + t(lang, "btn_always")
    rows.append([(always, f"g:a:{0 if chat.digest_always else 1}")])
    return text, rows


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest HH:MM sets the daily digest time; /digest off turns it off."""
    deps = get_deps(context)
    lang = lang_of(update)
    args = context.args or []
    if not args:
        await reply(update, t(lang, "digest_usage"))
        return
    if not await may_change(update, context):
        return
    chat = await ensure_chat(update, deps)
    assert chat is not None
    if args[0].lower() in ("off", "关", "关闭", "0"):
        # Digest-only without a digest would mean silence: fall back to instant alerts.
        await deps.store.chats.update(chat.id, digest_time=None, instant=True, next_digest_at=None)
        await reply(update, t(lang, "digest_off"))
        return
    when = parse_clock(args[0])
    if when is None:
        await reply(update, t(lang, "digest_usage"))
        return
    await deps.store.chats.update(chat.id, digest_time=when, next_digest_at=None)
    await reply(update, t(lang, "digest_set", time=when, tz=esc(chat.timezone)))


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings shows the panel; ``/settings tz <zone>`` and ``/settings quiet <from-to|off>`` set directly."""
    deps = get_deps(context)
    lang = lang_of(update)
    args = context.args or []
    chat = await ensure_chat(update, deps)
    assert chat is not None
    if args:
        if not await may_change(update, context):
            return
        error = await _apply_text_setting(deps.store.chats, chat.id, args, lang)
        if error:
            await reply(update, t(lang, "settings_usage", error=error))
            return
        chat = await deps.store.chats.get(chat.id) or chat
    text, rows = render_settings(chat, lang)
    await reply(update, text, rows)


async def _apply_text_setting(chats: ChatRepo, chat_id: int, args: list[str], lang: str) -> str:
    """Apply ``tz <zone>`` or ``quiet <range|off>``; return an error text ("" when applied)."""
    key, value = args[0].lower(), " ".join(args[1:]).strip()
    if key in ("tz", "timezone", "时区"):
        if not is_timezone(value):
            return t(lang, "bad_timezone", value=esc(value if len(value) <= 40 else value[:39] + "…"))
        await chats.update(chat_id, timezone=value, next_digest_at=None)
        return ""
    if key in ("quiet", "免打扰"):
        if value.lower() in ("off", "关", "关闭"):
            await chats.update(chat_id, quiet_hours=None, next_digest_at=None)
            return ""
        quiet = parse_quiet(value)
        if quiet is None:
            return t(lang, "bad_quiet")
        await chats.update(chat_id, quiet_hours=quiet, next_digest_at=None)
        return ""
    return esc(" ".join(args))


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """A settings button: time zone, instant/digest-only, empty digests, or a quiet hours preset."""
    deps = get_deps(context)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    lang = lang_of(update)
    if len(parts) != 3 or not parts[2].isdigit():
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    if not await may_change(update, context):
        return
    key, choice = parts[1], int(parts[2])
    record = await ensure_chat(update, deps)
    assert record is not None
    if key == "tz" and choice < len(TIMEZONES):
        await deps.store.chats.update(chat.id, timezone=TIMEZONES[choice], next_digest_at=None)
    elif key == "m" and choice in (0, 1):
        values: dict[str, object] = {"instant": bool(choice), "next_digest_at": None}
        if not choice and record.digest_time is None:
            values["digest_time"] = DEFAULT_DIGEST_TIME  # digest only needs a digest to receive
        await deps.store.chats.update(chat.id, **values)
    elif key == "a" and choice in (0, 1):
        await deps.store.chats.update(chat.id, digest_always=bool(choice), next_digest_at=None)
    elif key == "q" and choice < len(QUIET_PRESETS):
        await deps.store.chats.update(chat.id, quiet_hours=QUIET_PRESETS[choice] or None, next_digest_at=None)
    else:
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    await query.answer(t(lang, "settings_saved"))
    updated = await deps.store.chats.get(chat.id)
    assert updated is not None
    text, rows = render_settings(updated, lang)
    await edit(update, text, rows)
