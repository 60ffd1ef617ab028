"""The safety net under every handler: a handler that raises still answers its user, and the traceback is logged.

Issue 16: ``/import`` of a 5,000-deep JSON file, ``/settings tz`` with 300 characters and other inputs
made a handler raise, and the user got no answer at all. The specific causes are fixed where they are;
this catches whatever is left.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from tenderbot.bot.common import lang_of, reply, toast
from tenderbot.texts import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback; if it came from a user's update, apologise in their language."""
    error = context.error
    if isinstance(error, NetworkError | Forbidden):
        # Telegram unreachable or the chat gone: an apology could not be delivered either.
        log.warning("bot: %s while handling an update: %s", type(error).__name__, error)
        return
    chat = update.effective_chat if isinstance(update, Update) else None
    log.error(
        "bot: %s while handling an update in chat %s",
        type(error).__name__,
        chat.id if chat is not None else "-",
        exc_info=error,
    )
    if not isinstance(update, Update):
        return
    text = t(lang_of(update), "internal_error")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(toast(text), show_alert=True)
        elif update.effective_message is not None:
            await reply(update, text)
    except TelegramError as exc:  # a button pressed long ago cannot be answered any more: nothing to do
        log.warning("bot: could not apologise in chat %s: %s", chat.id if chat is not None else "-", exc)
