"""Benchmark delivery: N alerts to N chats through the strict fake Bot API enforcing Telegram's flood limits.

Run: ``python bench/bench_delivery.py`` (10,000 alerts, about 6 minutes) or ``--count 1000`` for a quick run.
The sender runs at the deployed default rate (``Settings().send_rate_per_second``) unless ``--rate`` says
otherwise. ``--busy-groups 3 --busy-alerts 200`` first queues 200 alerts in each of three groups (Telegram
lets a group take 20 a minute), then the private alerts: the private chats must not wait behind them. The
strict fake answers 429 to any group message past 20 in a minute, so "429s: 0" is the proof of pacing.
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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from telegram import Bot
from telegram.request import HTTPXRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_poll import batch
from tenderbot.notify.channels import TelegramChannel
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.settings import Settings
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tenderbot.store.tables import chats
from tests.fake_telegram import FakeTelegram

FIRST_CHAT = 100_000


async def seed_busy_groups(store: Store, groups: int, alerts: int, now: datetime) -> None:
    """Groups with many queued alerts each, queued before everything else (the oldest rows)."""
    rows = [
        {"id": -(FIRST_CHAT * 10 + n), "kind": "supergroup", "language": "zh", "timezone": "Asia/Shanghai",
         "digest_always": False, "instant": True, "active": True, "send_failures": 0, "created_at": now}
        for n in range(groups)
    ]
    async with store.engine.begin() as conn:
        await conn.execute(insert(chats), rows)
    changes = await store.notices.upsert(
        [replace(n, source_id=f"busy-{n.source_id}", project_code=f"BUSY-{k}") for k, n in
         enumerate(batch(alerts, now, with_text=False))],
        now,
    )
    ids = [c.notice_id for c in changes]
    items = [OutboxItem(row["id"], "alert", f"alert:{i}", i, why=("液相色谱",)) for row in rows for i in ids]
    await store.outbox.enqueue(items, now)


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
    changes = await store.notices.upsert(batch(min(count, 500), now, with_text=False), now)
    ids = [c.notice_id for c in changes]
    items = [
        OutboxItem(row["id"], "alert", f"alert:{ids[n % len(ids)]}", ids[n % len(ids)], why=("液相色谱",))
        for n, row in enumerate(rows)
    ]
    await store.outbox.enqueue(items, now)


async def run(
    count: int, rate: float, concurrency: int, groups: int, busy_groups: int = 0, busy_alerts: int = 0
) -> dict[str, float]:
    """Send everything; return the measurements."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await upgrade(engine)
        store = Store.over(engine)
        if busy_groups:
            await seed_busy_groups(store, busy_groups, busy_alerts, now)
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
        arrivals: dict[int, float] = {}
        seen = 0
        while True:
            claimed = await sender.run_once()
            for call in fake.log[seen:]:
                if call.method == "sendMessage" and call.status == 200:
                    arrivals.setdefault(int(call.params["chat_id"]), time.perf_counter() - started)
            seen = len(fake.log)
            counts = await store.outbox.counts()
            regular = sum(1 for chat in arrivals if chat > -FIRST_CHAT * 10)
            # Done when every regular chat has its alert (a dead row counts as done: it shows up as lost);
            # busy groups are still draining at 20 a minute and are not waited for.
            if regular + counts.get("dead", 0) >= count:
                break
            if not claimed:
                await asyncio.sleep(0.2)  # rows waiting out a retry_after
            if time.perf_counter() - last_report > 30:
                last_report = time.perf_counter()
                print(f"  … {counts.get('sent', 0)} sent after {last_report - started:.0f}s", file=sys.stderr)
        elapsed = time.perf_counter() - started
        counts = await store.outbox.counts()
        texts: Counter[int] = Counter()
        busy: Counter[int] = Counter()
        for call in fake.log:
            if call.method == "sendMessage" and call.status == 200:
                chat = int(call.params["chat_id"])
                if chat <= -FIRST_CHAT * 10:
                    busy[chat] += 1
                else:
                    texts[chat] += 1
        await bot.shutdown()
        await engine.dispose()
    delivered = len(texts)
    waits = sorted(t for chat, t in arrivals.items() if chat > -FIRST_CHAT * 10)
    result: dict[str, float] = {
        "alerts": count,
        "rate_setting": rate,
        "seconds": elapsed,
        "messages_per_second": (sum(texts.values()) + sum(busy.values())) / elapsed,
        "429s": fake.rejected_429,
        "sent_rows": counts.get("sent", 0),
        "dead_rows": counts.get("dead", 0),
        "lost": count - delivered,
        "duplicated": sum(texts.values()) - delivered,
        "median_arrival_s": waits[len(waits) // 2] if waits else 0.0,
        "p95_arrival_s": waits[int(len(waits) * 0.95)] if waits else 0.0,
    }
    if busy_groups:
        result["busy_group_msgs"] = sum(busy.values())
    return result


def main() -> None:
    """Parse options, run, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="alerts, one per chat (default 10,000)")
    parser.add_argument("--rate", type=float, default=Settings().send_rate_per_second,
                        help="the sender's overall messages/s (default: the deployed default)")
    parser.add_argument("--concurrency", type=int, default=16, help="chats sent to at once (default 16)")
    parser.add_argument("--groups", type=int, default=0, help="how many of the chats are groups (default 0)")
    parser.add_argument("--busy-groups", type=int, default=0, help="groups with many alerts queued first")
    parser.add_argument("--busy-alerts", type=int, default=200, help="alerts queued in each busy group")
    args = parser.parse_args()
    result = asyncio.run(
        run(args.count, args.rate, args.concurrency, args.groups, args.busy_groups, args.busy_alerts)
    )
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
