"""Where messages go: the Telegram Bot API, or the console when no token is configured."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, TextIO

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from tenderbot.errors import ChatGone, ChatMoved, MessageRejected, RetryLater

Buttons = Sequence[Sequence[tuple[str, str]]]


class Channel(Protocol):
    """Something that delivers one rendered message to one chat."""

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, buttons: Buttons | None = None
    ) -> int | None:
        """Send and return the platform's message id (None where there is none)."""


def _seconds(value: int | float | timedelta) -> float:
    """RetryAfter.retry_after is an int today and a timedelta tomorrow (PTB 22.2 deprecation)."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramChannel:
    """Sends HTML messages through python-telegram-bot and maps its errors onto ours."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, buttons: Buttons | None = None
    ) -> int | None:
        """Send one message; raise RetryLater, ChatGone, ChatMoved or MessageRejected on failure."""
        markup = None
        if buttons:
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in buttons]
            )
        reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            message = await self._bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_parameters=reply,
                reply_markup=markup,
            )
        except RetryAfter as exc:
            raise RetryLater(str(exc), _seconds(exc.retry_after)) from exc
        except ChatMigrated as exc:
            raise ChatMoved(str(exc), exc.new_chat_id) from exc
        except Forbidden as exc:
            raise ChatGone(str(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise ChatGone(str(exc)) from exc
            raise MessageRejected(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise RetryLater(f"network: {exc}") from exc
        except TelegramError as exc:
            raise RetryLater(f"telegram: {exc}") from exc
        return message.message_id


_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def html_to_console(text: str) -> str:
    """Telegram HTML as plain terminal text (links shown as their URL)."""
    text = _LINK.sub(lambda m: f"{m.group(2)}: {html.unescape(m.group(1))}", text)
    return html.unescape(_TAG.sub("", text))


class ConsoleChannel:
    """Prints alerts: console mode, when no bot token is configured."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, buttons: Buttons | None = None
    ) -> int | None:
        """Print the message with a separator line."""
        stream = self._stream or sys.stdout
        stream.write("─" * 60 + "\n" + html_to_console(text) + "\n")
        stream.flush()
        return None
