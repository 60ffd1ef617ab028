"""Benchmark the daily digest at national volume: 10,000 chats due at once over a day of 10,000 notices.

Run: ``python bench/bench_digest.py`` (options: --chats, --notices, --legacy-sample, --seed).
Every chat has one to three subscriptions made like bench_match's (taxonomy product terms, regions,
budgets, exclusions) and is due at the same minute, as 08:30 bunches them in real life. It prints the
CPU (process time, all threads) and wall time of one ``DigestService.tick()``, the longest stall of the
event loop meanwhile (a 10 ms ticker runs beside it), and, measured in the same run on a sample of
chats, the per-chat approach the service used before (each chat re-reading and re-matching the window
against the whole index), extrapolated to all chats. Target: ≤ 60 s CPU for 10⁴ × 10⁴.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.bench_match import load_products, make_notice, make_query  # noqa: E402
from tenderbot.delivery.digests import DigestService  # noqa: E402
from tenderbot.models import Notice  # noqa: E402
from tenderbot.store.db import make_engine, upgrade  # noqa: E402
from tenderbot.store.repos import Store  # noqa: E402
from tenderbot.store.tables import chats, subscriptions  # noqa: E402
from tenderbot.subscriptions import FOLLOW_UP_TYPES, SubscriptionIndex  # noqa: E402

NOW = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)  # 08:30 in Beijing


async def populate(store: Store, engine_url: str, args: argparse.Namespace) -> None:
    """Chats (all due now) with their subscriptions, and a day of notices."""
    rng = random.Random(args.seed)
    families, _ = load_products()
    chat_rows, sub_rows = [], []
    for chat_id in range(1, args.chats + 1):
        chat_rows.append({"id": chat_id, "kind": "private", "language": "zh", "timezone": "Asia/Shanghai",
                          "digest_time": "08:30", "digest_always": False, "instant": False, "active": True,
                          "send_failures": 0, "next_digest_at": NOW - timedelta(minutes=1), "created_at": NOW})
        for number in range(1, rng.choice((1, 1, 2, 3)) + 1):
            sub_rows.append({"chat_id": chat_id, "number": number, "query": make_query(rng, families), "name": "",
                             "active": True, "instant": False, "excluded_buyers": [], "created_at": NOW})
    async with store.engine.begin() as conn:
        await conn.execute(insert(chats), chat_rows)
        await conn.execute(insert(subscriptions), sub_rows)
    day = [_with_deadline(make_notice(rng, families, n), rng) for n in range(args.notices)]
    for start in range(0, len(day), 500):
        seen = NOW - timedelta(hours=23) + timedelta(seconds=start * 8)
        await store.notices.upsert(day[start : start + 500], seen)


def _with_deadline(notice: Notice, rng: random.Random) -> Notice:
    """Open tenders: a deadline one to thirty days ahead."""
    from dataclasses import replace

    return replace(notice, tender_deadline=NOW + timedelta(days=rng.randint(1, 30)))


async def legacy_chat(store: Store, index: SubscriptionIndex, chat_id: int, since: datetime) -> int:
    """The per-chat approach before one-pass digests: read the whole window and match it all for one chat."""
    await index.refresh()
    mine = {s.id for s in await store.chats.subscriptions(chat_id) if s.active}
    count = 0
    async for rows in store.notices.raw_since(since):
        for row in rows:
            notice = row.decode().notice
            if notice.notice_type in FOLLOW_UP_TYPES:
                continue
            if any(m.subscription.id in mine for m in index.match(notice)):
                count += 1
    return count


async def run(args: argparse.Namespace) -> None:
    """Populate, then time one tick and the legacy per-chat sample."""
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
        engine = make_engine(url)
        await upgrade(engine)
        store = Store.over(engine)
        started = time.perf_counter()
        await populate(store, url, args)
        print(f"setup: {args.chats:,} chats, {args.notices:,} notices in {time.perf_counter() - started:.1f} s")
        index = SubscriptionIndex(store.chats)
        service = DigestService(store, index, clock=lambda: NOW)

        stall = 0.0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal stall
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                stall = max(stall, now - last - 0.01)
                last = now

        watcher = asyncio.create_task(ticker())
        cpu, wall = time.process_time(), time.perf_counter()
        queued = await service.tick()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        done.set()
        await watcher
        counts = await store.outbox.counts()
        print(f"one-pass tick: {queued:,} digests queued ({counts}), CPU {cpu:.1f} s, wall {wall:.1f} s, "
              f"longest event-loop stall {stall * 1000:.0f} ms")

        legacy_index = SubscriptionIndex(store.chats)
        await legacy_index.refresh()  # the live index exists already in the service: not charged
        sample = random.Random(args.seed).sample(range(1, args.chats + 1), args.legacy_sample)
        legacy_cpu = time.process_time()
        for chat_id in sample:
            await legacy_chat(store, legacy_index, chat_id, NOW - timedelta(days=1))
        per_chat = (time.process_time() - legacy_cpu) / len(sample)
        projected = per_chat * args.chats
        print(f"per-chat (before): {per_chat:.2f} s CPU per chat on {len(sample)} sampled chats → "
              f"{projected:,.0f} s for {args.chats:,} chats")
        print(f"ratio: one pass is {projected / cpu:,.0f}× less CPU (target ≤ 60 s: "
              f"{'met' if cpu <= 60 else 'MISSED'})")
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--legacy-sample", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261208)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
