"""Chat membership: the bot removed → the chat goes quiet, added back → active; a group upgraded → it moves."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from tenderbot.bot.common import get_deps

log = logging.getLogger(__name__)
GONE = (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deactivate a chat that removed the bot (dropping its queue); reactivate one that added it back."""
    deps = get_deps(context)
    change, chat = update.my_chat_member, update.effective_chat
    if change is None or chat is None:
        return
    status = change.new_chat_member.status
    known = await deps.store.chats.get(chat.id)
    if status in GONE:
        if known is not None:
            await deps.store.chats.update(chat.id, active=False)
            dropped = await deps.store.outbox.cancel_pending(chat.id)
            deps.index.invalidate()  # its subscriptions stop matching
            log.info("chat %d removed the bot (%s); deactivated, %d queued dropped", chat.id, status, dropped)
    elif status in PRESENT:
        await deps.store.chats.ensure(chat.id, deps.clock(), kind=chat.type, title=chat.title)
        if known is None or not known.active:  # a promotion in an active group changes nothing to match
            deps.index.invalidate()
            log.info("chat %d added the bot back (%s); active", chat.id, status)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup (new id): move its subscriptions and settings before the next alert."""
    deps = get_deps(context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.migrate_to_chat_id is None:
        return
    await deps.store.chats.migrate(chat.id, message.migrate_to_chat_id, deps.clock())
    deps.index.invalidate()
    log.info("group %d became supergroup %d; its subscriptions moved", chat.id, message.migrate_to_chat_id)
