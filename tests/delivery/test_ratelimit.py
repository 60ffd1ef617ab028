"""Pacing: the overall window holds even when sleepers wake late; one a second per chat; 20 a minute per group."""

from __future__ import annotations

import asyncio
import itertools
import math

from tenderbot.notify.ratelimit import RobotWindow, SendLimiter


class LateClock:
    """A monotonic clock for a busy event loop: sleepers only wake at the next stall's end (every ``stall`` s)."""

    def __init__(self, stall: float) -> None:
        self.now = 0.0
        self.stall = stall

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        target = self.now + seconds
        if self.stall:
            target = math.ceil(target / self.stall) * self.stall
        await asyncio.sleep(0)  # let the other sleepers book and sleep too
        self.now = max(self.now, target)


def max_in_window(times: list[float], width: float) -> int:
    """The most events inside any window of ``width`` seconds."""
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - width:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_overall_window_holds_when_sleepers_wake_in_bunches() -> None:
    clock = LateClock(stall=0.7)
    limiter = SendLimiter(overall_per_second=28, clock=clock, sleep=clock.sleep)
    released: list[float] = []

    async def one(chat: int) -> None:
        await limiter.acquire(chat)
        released.append(clock())

    await asyncio.gather(*(one(n) for n in range(300)))
    assert max_in_window(released, 1.0) <= 28


async def test_one_chat_is_paced_and_a_group_keeps_to_twenty_a_minute() -> None:
    clock = LateClock(stall=0.0)
    limiter = SendLimiter(overall_per_second=30, clock=clock, sleep=clock.sleep)
    private: list[float] = []
    for _ in range(5):
        await limiter.acquire(7)
        private.append(clock())
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(private))
    group: list[float] = []
    for _ in range(45):
        await limiter.acquire(-100, is_group=True)
        group.append(clock())
    assert max_in_window(group, 60.0) <= 20


async def test_pause_after_429_holds_everyone() -> None:
    clock = LateClock(stall=0.0)
    limiter = SendLimiter(overall_per_second=30, clock=clock, sleep=clock.sleep)
    limiter.pause(7)
    await limiter.acquire(1)
    assert clock() >= 7


def test_robot_window_books_twenty_a_minute_and_says_how_long_to_wait() -> None:
    now = [0.0]
    window = RobotWindow(20, clock=lambda: now[0])
    assert all(window.reserve("r") == 0 for _ in range(19))
    assert window.reserve("r", 2) > 0  # two more do not fit, and nothing was booked
    assert window.reserve("r") == 0
    now[0] = 30.0
    assert window.reserve("r") == 30.0
    assert window.reserve("other") == 0
    now[0] = 60.5
    assert window.reserve("r", 3) == 0


async def test_group_minute_holds_when_its_first_message_went_out_late() -> None:
    clock = LateClock(stall=0.0)
    stalls = [30.0]

    async def stalling_sleep(seconds: float) -> None:
        # The first sleeper wakes 30 s late (a stalled loop); everyone after is punctual.
        clock.now += seconds + (stalls.pop() if stalls else 0.0)

    limiter = SendLimiter(overall_per_second=30, clock=clock, sleep=stalling_sleep)
    await limiter.acquire(1)  # a private message takes the first slot, so the group's first must sleep
    released: list[float] = []
    for _ in range(26):
        await limiter.acquire(-100, is_group=True)
        released.append(clock())
    assert released[0] >= 30
    assert max_in_window(released, 60.0) <= 20


async def test_a_groups_minute_counts_from_when_the_send_finished() -> None:
    clock = LateClock(stall=0)
    limiter = SendLimiter(overall_per_second=25, clock=clock, sleep=clock.sleep)
    await limiter.acquire(-100, is_group=True)
    clock.now += 3.0  # the first send took 3 s to reach Telegram
    limiter.sent(-100, is_group=True)
    for _ in range(19):
        await limiter.acquire(-100, is_group=True)
        limiter.sent(-100, is_group=True)
    await limiter.acquire(-100, is_group=True)  # the 21st
    assert clock.now >= 3.0 + 60.0


async def test_group_wait_says_how_long_until_a_full_group_minute_frees_without_booking() -> None:
    clock = LateClock(stall=0.0)
    limiter = SendLimiter(overall_per_second=30, clock=clock, sleep=clock.sleep)
    assert limiter.group_wait(-100) == 0.0
    for _ in range(20):
        await limiter.acquire(-100, is_group=True)
    wait = limiter.group_wait(-100)
    assert 0 < wait <= 60.05
    assert limiter.group_wait(-100) == wait  # asking books nothing
    assert limiter.group_wait(-200) == 0.0  # other groups are not affected
    clock.now += wait
    assert limiter.group_wait(-100) == 0.0
