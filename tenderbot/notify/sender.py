"""The sender loop: drains the outbox in order per chat, within rate limits, through every failure."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tenderbot.errors import ChatGone, ChatMoved, MessageRejected, NotifyError, RetryLater
from tenderbot.models import Notice
from tenderbot.notify.channels import Buttons, Channel
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.render import render_alert, render_update
from tenderbot.store.chats import ChatRecord
from tenderbot.store.outbox import Delivery
from tenderbot.store.repos import Store

log = logging.getLogger(__name__)

CONSOLE_CHAT_ID = 0
MAX_ATTEMPTS = 8
DEACTIVATE_AFTER = 3


def alert_buttons(notice_id: int, language: str = "zh") -> Buttons:
    """关注 / 不相关 / 屏蔽采购人 — compact callback data that survives restarts (≤ 64 bytes)."""
    if language.startswith("en"):
        labels = ("⭐ Follow", "🙈 Not relevant", "🚫 Block buyer")
    else:
        labels = ("⭐ 关注", "🙈 不相关", "🚫 屏蔽采购人")
    return [[(labels[0], f"f:{notice_id}"), (labels[1], f"h:{notice_id}"), (labels[2], f"b:{notice_id}")]]


class Sender:
    """Claims outbox rows, renders them, sends them and records the outcome."""

    def __init__(
        self,
        store: Store,
        *,
        telegram: Channel | None,
        console: Channel | None,
        limiter: SendLimiter,
        clock: Callable[[], datetime],
        concurrency: int = 16,
    ) -> None:
        self._store = store
        self._telegram = telegram
        self._console = console
        self._limiter = limiter
        self._clock = clock
        self._concurrency = concurrency
        self.wakeup = asyncio.Event()

    async def run_once(self, limit: int = 200) -> int:
        """Send what is due now; returns how many rows were claimed."""
        batch = await self._store.outbox.claim(self._clock(), limit=limit)
        by_chat: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in batch:
            by_chat[delivery.chat_id].append(delivery)
        gate = asyncio.Semaphore(self._concurrency)

        async def drain(rows: list[Delivery]) -> None:
            async with gate:
                for row in rows:
                    await self._deliver(row)

        await asyncio.gather(*(drain(rows) for rows in by_chat.values()))
        return len(batch)

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 2.0) -> None:
        """Keep draining until ``stop`` is set; an unexpected error is logged and the loop goes on."""
        while not stop.is_set():
            try:
                claimed = await self.run_once()
            except Exception:
                log.exception("sender: unexpected error; retrying shortly")
                claimed = 0
            if claimed:
                continue
            self.wakeup.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wakeup.wait())]
            await asyncio.wait(waiters, timeout=idle_seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    def _channel(self, chat: ChatRecord) -> Channel | None:
        return self._console if chat.kind == "console" else self._telegram

    async def _deliver(self, delivery: Delivery) -> None:
        """Send one row and settle it."""
        chat = await self._store.chats.get(delivery.chat_id)
        if chat is None or not chat.active:
            await self._store.outbox.mark_dead(delivery.id, "chat inactive")
            return
        channel = self._channel(chat)
        if channel is None:
            # Console mode has no Telegram channel: keep Telegram rows for when a token is configured.
            await self._store.outbox.mark_retry(delivery.id, "no channel", self._clock() + timedelta(minutes=10))
            return
        try:
            text, buttons, reply_to = await self._compose(delivery, chat)
        except LookupError as exc:
            await self._store.outbox.mark_dead(delivery.id, str(exc))
            return
        await self._limiter.acquire(chat.id, is_group=chat.is_group)
        try:
            message_id = await channel.send(chat.id, text, reply_to=reply_to, buttons=buttons)
        except NotifyError as exc:
            await self._failed(delivery, chat, exc)
            return
        await self._store.outbox.mark_sent(delivery.id, self._clock(), message_id)
        if chat.send_failures:
            await self._store.chats.record_send_success(chat.id)

    async def _compose(self, delivery: Delivery, chat: ChatRecord) -> tuple[str, Buttons | None, int | None]:
        """Render a row for its chat: alerts and follow-ups from the stored notice, the rest from payload."""
        now = self._clock()
        tz = ZoneInfo(chat.timezone)
        if delivery.payload and "text" in delivery.payload:
            return str(delivery.payload["text"]), None, None
        if delivery.notice_id is None:
            raise LookupError(f"delivery {delivery.id} has neither a notice nor a text")
        stored = await self._store.notices.get(delivery.notice_id)
        if stored is None:
            raise LookupError(f"notice {delivery.notice_id} is gone")
        if delivery.kind == "alert":
            text = render_alert(stored.notice, why=delivery.why, now=now, tz=tz, language=chat.language)
            buttons = None if chat.kind == "console" else alert_buttons(stored.id, chat.language)
            return text, buttons, None
        previous = await self._previous(stored.project_id, stored.id)
        reply_to = await self._store.outbox.alert_message_for_project(chat.id, stored.project_id)
        text = render_update(stored.notice, previous, now=now, tz=tz, language=chat.language)
        return text, None, reply_to

    async def _previous(self, project_id: int, notice_id: int) -> Notice | None:
        """The announcement of the project before this one (to say what changed)."""
        earlier = [n for n in await self._store.notices.project_notices(project_id) if n.id != notice_id]
        return earlier[-1].notice if earlier else None

    async def _failed(self, delivery: Delivery, chat: ChatRecord, exc: NotifyError) -> None:
        """Decide what a failed send means: wait, move, retry, or give up — and log it once."""
        now = self._clock()
        if isinstance(exc, RetryLater) and exc.retry_after is not None:
            self._limiter.pause(exc.retry_after)
            await self._store.outbox.mark_retry(delivery.id, str(exc), now + timedelta(seconds=exc.retry_after))
            log.info("chat %d: flood control, retrying in %.0fs", chat.id, exc.retry_after)
        elif isinstance(exc, ChatMoved):
            await self._store.chats.migrate(chat.id, exc.new_chat_id, now)
            await self._store.outbox.mark_retry(delivery.id, str(exc), now)
            log.info("chat %d became %d; its messages follow it", chat.id, exc.new_chat_id)
        elif isinstance(exc, ChatGone):
            if await self._store.chats.record_send_failure(chat.id, DEACTIVATE_AFTER):
                dropped = await self._store.outbox.cancel_pending(chat.id)
                await self._store.outbox.mark_dead(delivery.id, str(exc))
                log.warning(
                    "chat %d refused delivery %d times (%s); deactivated, %d queued dropped",
                    chat.id,
                    DEACTIVATE_AFTER,
                    exc,
                    dropped,
                )
            else:
                await self._store.outbox.mark_retry(delivery.id, str(exc), now + _backoff(delivery.attempts))
        elif isinstance(exc, MessageRejected):
            await self._store.outbox.mark_dead(delivery.id, str(exc))
            log.error("chat %d: message %d rejected for good: %s", chat.id, delivery.id, exc)
        elif delivery.attempts >= MAX_ATTEMPTS:
            await self._store.outbox.mark_dead(delivery.id, str(exc))
            log.error(
                "chat %d: giving up on message %d after %d attempts: %s", chat.id, delivery.id, delivery.attempts, exc
            )
        else:
            await self._store.outbox.mark_retry(delivery.id, str(exc), now + _backoff(delivery.attempts))
            log.warning("chat %d: send failed (%s); retrying", chat.id, exc)


def _backoff(attempts: int) -> timedelta:
    """Exponential backoff: 2, 4, 8 … seconds, at most ten minutes."""
    return timedelta(seconds=min(600, 2 ** max(1, attempts)))
