"""Pacing for chat sends: overall rate, about one message a second per chat, 20 a minute per group."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta


def _minute_frees_at(window: Sequence[float], limit: int) -> float | None:
    """When a group whose last minute of sends is ``window`` may send again; None while under ``limit``.

    A hair past the minute: a window edge that lands exactly on a float is counted either way.
    """
    return window[-limit] + 60.05 if len(window) >= limit else None


class SendLimiter:
    """Reserves send slots so concurrent senders stay within Telegram's limits (research/telegram.md §2.3)."""

    def __init__(
        self,
        *,
        overall_per_second: float = 28.0,
        per_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / overall_per_second
        self._per_chat = per_chat_interval
        self._group_per_minute = group_per_minute
        self._clock = clock
        self._sleep = sleep
        self._next_overall = 0.0
        self._next_chat: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._paused_until = 0.0
        # Sends actually released in the last second. Slots are booked ahead, but a busy event loop can
        # wake several late sleepers at once; this window keeps even that burst under the overall limit.
        self._released: deque[float] = deque()
        self._per_window = max(1, int(overall_per_second))
        # The same for each group's minute: a late first message must not let the 21st in early.
        self._group_released: dict[int, deque[float]] = {}

    def pause(self, seconds: float) -> None:
        """Hold every send for a while (after a 429: Telegram's flood wait is per bot)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def group_wait(self, chat_id: int) -> float:
        """Seconds until a group may send again under its 20 a minute (0: now), booking nothing.

        The sender asks before taking a group's message: a full minute reschedules the row instead of
        sleeping in the batch, so one busy group never holds back everyone else's messages.
        """
        now = self._clock()
        wait = 0.0
        for window in (self._group_sends.get(chat_id), self._group_released.get(chat_id)):
            frees_at = _minute_frees_at([t for t in window or () if t > now - 60.0], self._group_per_minute)
            if frees_at is not None:
                wait = max(wait, frees_at - now)
        return wait

    def _reserve(self, chat_id: int, is_group: bool) -> float:
        """Pick the earliest moment this chat may send and book it; no await, so no races."""
        now = self._clock()
        at = max(now, self._paused_until, self._next_overall, self._next_chat.get(chat_id, 0.0))
        if is_group:
            window = self._group_sends.setdefault(chat_id, deque())
            while window and window[0] <= at - 60.0:
                window.popleft()
            frees_at = _minute_frees_at(window, self._group_per_minute)
            if frees_at is not None:
                at = max(at, frees_at)
            window.append(at)
        self._next_overall = at + self._interval
        self._next_chat[chat_id] = at + self._per_chat
        if len(self._next_chat) > 50_000:
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        return at

    async def acquire(self, chat_id: int, *, is_group: bool = False) -> None:
        """Wait for this chat's turn."""
        at = self._reserve(chat_id, is_group)
        delay = at - self._clock()
        if delay > 0:
            await self._sleep(delay)
        # A 429 may have paused everyone while we waited.
        while self._paused_until > self._clock():
            await self._sleep(self._paused_until - self._clock())
        group = self._group_released.setdefault(chat_id, deque()) if is_group else None
        while True:
            now = self._clock()
            while self._released and self._released[0] <= now - 1.0:
                self._released.popleft()
            while group and group[0] <= now - 60.0:
                group.popleft()
            waits = []
            if len(self._released) >= self._per_window:
                waits.append(self._released[0] + 1.0 - now)
            frees_at = None if group is None else _minute_frees_at(group, self._group_per_minute)
            if frees_at is not None:
                waits.append(frees_at - now)
            if not waits:
                self._released.append(now)
                if group is not None:
                    group.append(now)
                return
            await self._sleep(max(waits))

    def sent(self, chat_id: int, *, is_group: bool = False) -> None:
        """Record when a send finished: Telegram counts a group's minute from arrival, which lies between
        the release and this moment, so the group window keeps the later of the two (conservative)."""
        group = self._group_released.get(chat_id) if is_group else None
        if group:
            group[-1] = max(group[-1], self._clock())


class RobotWindow:
    """A sliding-minute budget per team robot (WeCom, DingTalk, Feishu: 20 a minute), booked without waiting.

    The sender asks before posting; when a robot's minute is full it reschedules the outbox row instead of
    sleeping, so one busy robot never holds up the Telegram messages of the same batch.
    """

    def __init__(self, per_minute: int = 20, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._sends: dict[str, deque[float]] = {}

    def reserve(self, robot: str, count: int = 1) -> float:
        """Book ``count`` posts now and return 0, or book nothing and return the seconds until they fit."""
        now = self._clock()
        window = self._sends.setdefault(robot, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        count = max(1, min(count, self._per_minute))
        free = self._per_minute - len(window)
        if free >= count:
            window.extend([now] * count)
            return 0.0
        # The oldest posts that must leave the window before ``count`` more fit.
        return max(0.001, window[count - free - 1] + 60.0 - now)


def backoff(attempts: int) -> timedelta:
    """Retry pacing after a transient failure: 2, 4, 8 … seconds, at most ten minutes."""
    return timedelta(seconds=min(600, 2 ** max(1, attempts)))
