"""What every handler shares: injected dependencies, language, replies, permission checks, tokens."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from tenderbot.models import DEFAULT_TIMEZONE, Subscription
from tenderbot.notify.hookguard import HookPolicy
from tenderbot.notify.render import esc
from tenderbot.store.chats import ChatRecord
from tenderbot.store.pending import PendingAction
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex
from tenderbot.texts import language_of, t

# Guided flows, edits and import confirmations older than this answer "expired" (research/telegram.md §3.4).
PENDING_TTL = timedelta(days=2)
# Telegram's GroupAnonymousBot: the sender of messages an anonymous group admin posts as the group.
ANONYMOUS_ADMIN_BOT = 1087968824

DEFAULT_TZ = ZoneInfo(DEFAULT_TIMEZONE)
Keyboard = list[list[tuple[str, str]]]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True, slots=True)
class BotDeps:
    """What the handlers need, injected through ``application.bot_data['deps']``."""

    store: Store
    index: SubscriptionIndex
    clock: Callable[[], datetime]
    admin_ids: frozenset[int]
    # Which robot URLs /robot accepts (the same policy the sender enforces at every post).
    hook_policy: HookPolicy = field(default_factory=HookPolicy)
    tz: tzinfo = DEFAULT_TZ  # TENDERBOT_TIMEZONE: operator-facing times


def get_deps(context: ContextTypes.DEFAULT_TYPE) -> BotDeps:
    """The dependencies installed with the handlers."""
    deps = context.application.bot_data["deps"]
    assert isinstance(deps, BotDeps)
    return deps


def lang_of(update: Update) -> str:
    """"en" when the user's Telegram speaks English, else "zh" (the default)."""
    user = update.effective_user
    return language_of(user.language_code if user else None)


def markup(rows: Keyboard | None) -> InlineKeyboardMarkup | None:
    """An inline keyboard from (label, callback data) rows; None when there are no buttons."""
    if not rows or not any(rows):
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows if row]
    )


async def reply(update: Update, text: str, rows: Keyboard | None = None) -> Message | None:
    """Answer in the chat the update came from (HTML, no link previews)."""
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(
        text, parse_mode=ParseMode.HTML, do_quote=False, reply_markup=markup(rows), link_preview_options=NO_PREVIEW
    )


async def edit(update: Update, text: str, rows: Keyboard | None = None) -> None:
    """Replace the text and buttons of the message whose button was pressed."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup(rows), link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        # A double tap re-renders the same panel: Telegram says "message is not modified", which is fine.
        if "not modified" not in str(exc).lower():
            raise


async def ensure_chat(update: Update, deps: BotDeps) -> ChatRecord | None:
    """Make sure the chat is known (and active again) before it changes anything."""
    chat = update.effective_chat
    if chat is None:
        return None
    lang = lang_of(update)
    record = await deps.store.chats.ensure(chat.id, deps.clock(), kind=chat.type, title=chat.title, language=lang)
    if chat.type == ChatType.PRIVATE and record.language != lang:
        # Alerts are rendered in the chat's language: follow the user when their Telegram switches.
        await deps.store.chats.update(chat.id, language=lang)
        record = await deps.store.chats.get(chat.id) or record
    return record


async def is_group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True in private chats; in groups for administrators, the creator and anonymous admins."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    message = update.effective_message if update.callback_query is None else None
    # Anonymous admins post as the group itself (sender_chat == chat, from = GroupAnonymousBot).
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None or user.id == ANONYMOUS_ADMIN_BOT:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether this sender may change the chat's subscriptions and settings; refuse politely if not."""
    if await is_group_admin(update, context):
        return True
    text = t(lang_of(update), "group_admins_only")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(update, text)
    return False


def is_bot_admin(update: Update, deps: BotDeps) -> bool:
    """Whether the sender (or this chat) is one of the operator's TENDERBOT_ADMIN_CHAT_IDS."""
    user, chat = update.effective_user, update.effective_chat
    return bool((user and user.id in deps.admin_ids) or (chat and chat.id in deps.admin_ids))


def new_token() -> str:
    """A short unguessable token for callback data and deep links (12 URL-safe characters)."""
    return secrets.token_urlsafe(9)


async def live_pending(deps: BotDeps, token: str, chat_id: int, kind: str) -> PendingAction | None:
    """A pending action of this chat and kind that has not expired (expired ones are dropped)."""
    action = await deps.store.pending.get(token)
    if action is None or action.chat_id != chat_id or action.kind != kind:
        return None
    if deps.clock() - action.created_at > PENDING_TTL:
        await deps.store.pending.drop(token)
        return None
    return action


async def pressed_action(
    update: Update, context: ContextTypes.DEFAULT_TYPE, token: str | None, kind: str
) -> PendingAction | None:
    """The live pending action a pressed button names, if the presser may act on it.

    A missing token or a stale action answers 'stale_button'; a refused presser is told by
    ``may_change``; either way None is returned and the handler has nothing left to do.
    """
    chat, query = update.effective_chat, update.callback_query
    assert chat is not None and query is not None
    action = await live_pending(get_deps(context), token, chat.id, kind) if token is not None else None
    if action is None:
        await query.answer(t(lang_of(update), "stale_button"), show_alert=True)
        return None
    if not await may_change(update, context):
        return None
    return action


# Subscription numbers are small; a longer "number" is not one (and int() refuses 4,300+ digits).
_MAX_NUMBER_DIGITS = 9


def parse_number(arg: str) -> int | None:
    """A subscription number (``3`` or ``#3``) from a command argument, or None when it is not one."""
    arg = arg.strip().lstrip("#")
    if not arg.isascii() or not arg.isdigit() or len(arg) > _MAX_NUMBER_DIGITS:
        return None
    return int(arg) or None


def numbers_of(subscriptions: Sequence[Subscription], lang: str) -> str:
    """The numbers a chat's subscriptions have, for a usage hint: ``1、3、4`` (``1, 3, 4`` in English)."""
    return (", " if lang == "en" else "、").join(str(s.number) for s in subscriptions)


def toast(text: str) -> str:
    """A callback answer is plain text of at most 200 characters: drop our tags, unescape, clip."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return plain if len(plain) <= 200 else plain[:199] + "…"


def shown(text: str, limit: int = 300) -> str:
    """Escaped text clipped before escaping (never inside an entity): a 2,000-character query × 5 would
    overflow Telegram's 4,096 limit in /list."""
    return esc(text if len(text) <= limit else text[: limit - 1] + "…")
