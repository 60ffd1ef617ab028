"""Telegram-like flood control for the fake: per chat, per group, overall."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.fake_telegram.entities import ApiError


@dataclass(frozen=True)
class FloodLimits:
    """Flood-control numbers; tests may tighten them."""

    per_chat_per_second: float = 1.0
    per_chat_burst: int = 5
    per_group_per_minute: int = 20
    overall_per_second: int = 30
    methods: frozenset[str] = frozenset({"sendmessage", "senddocument"})


class _Flood:
    """Token bucket per chat, sliding windows per group and overall."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self.buckets: dict[int, tuple[float, float]] = {}
        self.groups: dict[int, deque[float]] = {}
        self.overall: deque[float] = deque()

    def admit(self, chat_id: int) -> None:
        """Count one message to ``chat_id`` or raise the 429 Telegram would send."""
        lim, now = self.limits, self.clock()
        tokens, last = self.buckets.get(chat_id, (float(lim.per_chat_burst), now))
        tokens = min(float(lim.per_chat_burst), tokens + (now - last) * lim.per_chat_per_second)
        waits = []
        if tokens < 1.0:
            waits.append((1.0 - tokens) / lim.per_chat_per_second)
        window = self.groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if chat_id < 0 and len(window) >= lim.per_group_per_minute:
            waits.append(window[0] + 60.0 - now)
        while self.overall and self.overall[0] <= now - 1.0:
            self.overall.popleft()
        if len(self.overall) >= lim.overall_per_second:
            waits.append(self.overall[0] + 1.0 - now)
        if waits:
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        self.buckets[chat_id] = (tokens - 1.0, now)
        window.append(now)
        self.overall.append(now)


# --------------------------------------------------------------------------------------------------
# Request decoding: PTB 22 sends form-urlencoded (multipart with files); non-string values JSON-encoded.
