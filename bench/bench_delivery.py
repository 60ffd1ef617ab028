"""Benchmark delivery: N alerts to N chats through the strict fake Bot API enforcing Telegram's flood limits.

Run: ``python bench/bench_delivery.py`` (10,000 alerts, about 6 minutes) or ``--count 1000`` for a quick run.
Each alert is rendered from a stored notice by the real Sender, paced by the real SendLimiter, sent by
python-telegram-bot to tests/fake_telegram/ (30/s overall, ~1/s per chat, 20/min per group → 429 with
retry_after). Reports messages per second, 429s received, rows lost and messages duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert
from telegram import Bot
from telegram.request import HTTPXRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tenderbot.models import Money, Notice, NoticeType, Party, Region
from tenderbot.notify.channels import TelegramChannel
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tenderbot.store.tables import chats
from tests.fake_telegram import FakeTelegram

FIRST_CHAT = 100_000


def notices(count: int, now: datetime) -> list[Notice]:
    """Distinct tenders to alert about."""
    return [
        Notice(
            source="bench",
            source_id=f"n-{n}",
            url=f"https://example.gov.cn/notice/{n}.html",
            title=f"第{n}人民医院高效液相色谱仪采购项目公开招标公告",
            notice_type=NoticeType.TENDER,
            project_code=f"BENCH-{n:05d}",
            buyer=Party(name=f"第{n}人民医院"),
            budget=Money(Decimal(1_000_000 + n)),
            tender_deadline=now + timedelta(days=20),
            region=Region(province="江苏", city="南京"),
        )
        for n in range(count)
    ]


async def seed(store: Store, count: int, now: datetime, groups: int) -> None:
    """N chats (the last ``groups`` of them groups), a pool of notices, one alert per chat."""
    rows = [
        {
            "id": FIRST_CHAT + n if n >= groups else -(FIRST_CHAT + n),
            "kind": "private" if n >= groups else "group",
            "language": "zh",
            "timezone": "Asia/Shanghai",
            "digest_always": False,
            "instant": True,
            "active": True,
            "send_failures": 0,
            "created_at": now,
        }
        for n in range(count)
    ]
    async with store.engine.begin() as conn:
        await conn.execute(insert(chats), rows)
    changes = await store.notices.upsert(notices(min(count, 500), now), now)
    ids = [c.notice_id for c in changes]
    items = [
        OutboxItem(row["id"], "alert", f"alert:{ids[n % len(ids)]}", ids[n % len(ids)], why=("液相色谱",))
        for n, row in enumerate(rows)
    ]
    await store.outbox.enqueue(items, now)


async def run(count: int, rate: float, concurrency: int, groups: int) -> dict[str, float]:
    """Send everything; return the measurements."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await upgrade(engine)
        store = Store.over(engine)
        await seed(store, count, now, groups)
        fake = FakeTelegram()
        bot = Bot(fake.token, request=HTTPXRequest(httpx_kwargs={"transport": fake.transport()}))
        await bot.initialize()
        sender = Sender(
            store,
            telegram=TelegramChannel(bot),
            console=None,
            limiter=SendLimiter(overall_per_second=rate),
            clock=lambda: datetime.now(UTC),
            concurrency=concurrency,
        )
        started = time.perf_counter()
        last_report = started
        while True:
            claimed = await sender.run_once()
            counts = await store.outbox.counts()
            if counts.get("sent", 0) + counts.get("dead", 0) >= count:
                break
            if not claimed:
                await asyncio.sleep(0.2)  # rows waiting out a retry_after
            if time.perf_counter() - last_report > 30:
                last_report = time.perf_counter()
                print(f"  … {counts.get('sent', 0)} sent after {last_report - started:.0f}s", file=sys.stderr)
        elapsed = time.perf_counter() - started
        counts = await store.outbox.counts()
        texts: Counter[int] = Counter()
        for call in fake.log:
            if call.method == "sendMessage" and call.status == 200:
                texts[int(call.params["chat_id"])] += 1
        await bot.shutdown()
        await engine.dispose()
    delivered = len(texts)
    return {
        "alerts": count,
        "seconds": elapsed,
        "messages_per_second": sum(texts.values()) / elapsed,
        "429s": fake.rejected_429,
        "sent_rows": counts.get("sent", 0),
        "dead_rows": counts.get("dead", 0),
        "lost": count - delivered,
        "duplicated": sum(texts.values()) - delivered,
    }


def main() -> None:
    """Parse options, run, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="alerts, one per chat (default 10,000)")
    parser.add_argument("--rate", type=float, default=28.0, help="the sender's overall messages/s (default 28)")
    parser.add_argument("--concurrency", type=int, default=16, help="chats sent to at once (default 16)")
    parser.add_argument("--groups", type=int, default=0, help="how many of the chats are groups (default 0)")
    args = parser.parse_args()
    result = asyncio.run(run(args.count, args.rate, args.concurrency, args.groups))
    print(f"{'measure':<22} {'value':>12}")
    print("-" * 35)
    for name, value in result.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        print(f"{name:<22} {shown:>12}")
    target = result["messages_per_second"] >= 25 and result["lost"] == 0 and result["duplicated"] == 0
    print("-" * 35)
    print(f"target ≥ 25 msg/s, none lost, none duplicated: {'MET' if target else 'NOT MET'}")


if __name__ == "__main__":
    main()
