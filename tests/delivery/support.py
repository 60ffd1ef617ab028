"""Helpers for delivery tests: a controllable clock, a sender wired to the fake Bot API, notices to store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.request import HTTPXRequest

from tenderbot.models import Award, Money, Notice, NoticeType, Party, Region
from tenderbot.notify.channels import TelegramChannel
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tests.fake_telegram import FakeTelegram

BJ = ZoneInfo("Asia/Shanghai")


class FakeClock:
    """Wall time and monotonic time that only move when a test (or a limiter's sleep) moves them."""

    def __init__(self, start: datetime) -> None:
        self.wall = start
        self.mono = 1000.0
        self.slept = 0.0

    def now(self) -> datetime:
        """The wall clock (aware, UTC)."""
        return self.wall

    def monotonic(self) -> float:
        """The monotonic clock the limiter reads."""
        return self.mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds

    async def sleep(self, seconds: float) -> None:
        """A limiter's sleep: no real waiting, the clocks jump."""
        self.slept += max(0.0, seconds)
        self.advance(max(0.0, seconds))


@asynccontextmanager
async def telegram_sender(
    store: Store, fake: FakeTelegram, clock: FakeClock, *, read_timeout: float = 5.0, **kwargs: Any
) -> AsyncIterator[Sender]:
    """A Sender with a real PTB Bot talking to the in-process fake, paced on the fake clock."""
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()}, read_timeout=read_timeout)
    bot = Bot(fake.token, request=request)
    await bot.initialize()
    limiter = SendLimiter(overall_per_second=25, clock=clock.monotonic, sleep=clock.sleep)
    try:
        yield Sender(store, telegram=TelegramChannel(bot), console=None, limiter=limiter, clock=clock.now, **kwargs)
    finally:
        await bot.shutdown()


async def drain(sender: Sender, rounds: int = 20) -> int:
    """Run the sender until nothing is due now (a bounded number of rounds)."""
    total = 0
    for _ in range(rounds):
        claimed = await sender.run_once()
        if not claimed:
            break
        total += claimed
    return total


def tender(
    source_id: str = "t-1",
    *,
    title: str = "示例医院液相色谱仪采购项目公开招标公告",
    deadline: datetime | None = None,
    budget: str = "1285000",
    code: str = "SLYY-2026-001",
    notice_type: NoticeType = NoticeType.TENDER,
    award: Award | None = None,
) -> Notice:
    """A stored-ready notice of one project (same code and buyer ⇒ same project)."""
    return Notice(
        source="test",
        source_id=source_id,
        url=f"https://example.gov.cn/notice/{source_id}.html",
        title=title,
        notice_type=notice_type,
        project_code=code,
        buyer=Party(name="示例市第一人民医院"),
        budget=Money(Decimal(budget)),
        tender_deadline=deadline,
        region=Region(province="江苏", city="南京"),
        award=award,
        text=title,
    )


def amended(notice: Notice, *, deadline: datetime) -> Notice:
    """The same announcement re-fetched with a new deadline (the portal edited it in place)."""
    return replace(notice, tender_deadline=deadline)


def text_item(chat_id: int, key: str, text: str, kind: str = "digest") -> OutboxItem:
    """A ready-rendered message row."""
    return OutboxItem(chat_id=chat_id, kind=kind, dedupe_key=key, payload={"text": text})


def start_time() -> datetime:
    """A fixed test instant: 2026-03-02 02:00 UTC (10:00 in Beijing)."""
    return datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
