"""Long-polls getUpdates for the application and never stops for good while the service runs (issue 16).

PTB's ``Updater.start_polling`` ends its polling task on the first ``InvalidToken`` (any 401 from
getUpdates: a token revoked and restored in @BotFather, a proxy or a self-hosted Bot API server
answering 401 for a moment) and leaves ``running`` true: the process lived on, sending alerts, deaf
to every command. This poller treats every failure alike: log it, back off exponentially (capped),
try again, and tell the operators — when it starts failing (if Telegram still takes a message) and
when it has recovered, with how long it was down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from typing import Any

from telegram import Update
from telegram.error import RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from tenderbot.texts import DEFAULT_LANGUAGE, t

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 10
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 300.0


class UpdatePoller:
    """getUpdates in a loop into ``application.update_queue``, restarted with backoff after any failure."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        report_to: Iterable[int] = (),
        timeout: int = LONG_POLL_SECONDS,
        backoff_first: float = BACKOFF_FIRST,
        backoff_max: float = BACKOFF_MAX,
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._application = application
        self._report_to = sorted(report_to)
        self._language = language
        self._timeout = timeout
        self._backoff_first = backoff_first
        self._backoff_max = backoff_max
        self._offset: int | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.failures = 0  # consecutive failed getUpdates calls right now
        self.restarts = 0  # times polling came back after failing

    async def start(self) -> None:
        """Start polling in the background (the webhook, if any, is removed first, as polling requires)."""
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="tenderbot:update-poller")

    async def stop(self) -> None:
        """Stop polling, and confirm the updates already taken so that a restart does not get them again."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._offset is not None:
            try:
                await self._application.bot.get_updates(offset=self._offset, timeout=0)
            except TelegramError as exc:
                log.warning("bot: could not confirm the last updates (they may come again): %s", self._redact(exc))

    async def _run(self) -> None:
        """The loop: one long poll after another until stopped; no error ends it."""
        bot = self._application.bot
        webhook_cleared = False
        down_since: float | None = None
        while not self._stop.is_set():
            try:
                if not webhook_cleared:
                    await bot.delete_webhook(drop_pending_updates=False)
                    webhook_cleared = True
                updates = await bot.get_updates(
                    offset=self._offset, timeout=self._timeout, allowed_updates=Update.ALL_TYPES
                )
            except RetryAfter as exc:  # Telegram's own "wait": not an outage
                await self._sleep(exc.retry_after if isinstance(exc.retry_after, int | float) else 5.0)
                continue
            except TimedOut:  # a long poll that outlived the read timeout: poll again
                continue
            except (TelegramError, OSError) as exc:  # 401 InvalidToken, 409 Conflict, 5xx, network …
                self.failures += 1
                if down_since is None:
                    down_since = time.monotonic()
                delay = min(self._backoff_first * 2 ** (self.failures - 1), self._backoff_max)
                log.error(
                    "bot: getUpdates failed (%s: %s), %d in a row; polling again in %.0f s",
                    type(exc).__name__,
                    self._redact(exc),
                    self.failures,
                    delay,
                )
                if self.failures == 1:
                    await self._report("ops_polling_down", error=self._redact(exc))
                await self._sleep(delay)
                continue
            if down_since is not None:
                seconds = time.monotonic() - down_since
                log.warning("bot: getUpdates works again after %d failures over %.0f s", self.failures, seconds)
                await self._report("ops_polling_back", seconds=f"{seconds:.0f}", failures=self.failures)
                self.restarts += 1
                self.failures, down_since = 0, None
            for update in updates:
                await self._application.update_queue.put(update)
                self._offset = update.update_id + 1

    async def _sleep(self, seconds: float) -> None:
        """Wait, but wake at once when stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _report(self, key: str, **values: object) -> None:
        """Tell each operator chat; a failure here (the same outage, often) is only logged."""
        text = t(self._language, key, **values)
        for chat_id in self._report_to:
            try:
                await self._application.bot.send_message(chat_id, text)
            except TelegramError as exc:
                log.warning("bot: could not tell operator chat %d: %s", chat_id, self._redact(exc))

    def _redact(self, exc: BaseException) -> str:
        """The error's text without the bot token (PTB's InvalidToken text can carry it)."""
        token = self._application.bot.token
        return str(exc).replace(token, "<token>") if token else str(exc)
