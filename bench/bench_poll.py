"""Benchmark one poll: 200 new notices stored, matched and queued (about 2,600 outbox rows) in one transaction.

Run: ``python bench/bench_poll.py`` (SQLite file), ``--postgres postgresql+asyncpg://…/db`` to add a
PostgreSQL row (the database should be empty: the tables are created and dropped), ``--notices``/``--chats``
to change the load. Each row is one fresh database and one ``Pipeline.poll`` of a source that returns
``--notices`` new tenders, each matched by every one of ``--chats`` chats. "row by row" is the same poll
with the one-statement-per-notice/row path forced (what every poll did before the bulk writes, and what a
batch falls back to when one of its notices cannot be stored); "bulk" is the default. Target (issue #13):
≤ 1 s for 200 notices on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tenderbot.models import Money, Notice, NoticeType, Party, Region, SourceState
from tenderbot.pipeline import Pipeline
from tenderbot.sources.base import PollResult, Source
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.notices import NoticeRepo
from tenderbot.store.outbox import OutboxItem, OutboxRepo
from tenderbot.store.repos import Store
from tenderbot.store.tables import deliveries, metadata
from tenderbot.store.unit import start_transaction
from tenderbot.subscriptions import SubscriptionIndex


async def enqueue_row_by_row(self: OutboxRepo, items: Any, now: datetime) -> int:
    """The outbox's enqueue before bulk writes: one INSERT per row (kept here to measure against)."""
    rows = [
        {"chat_id": i.chat_id, "notice_id": i.notice_id, "kind": i.kind, "dedupe_key": i.dedupe_key, "state": "pending",
         "attempts": 0, "not_before": i.not_before or now, "subscription_ids": list(i.subscription_ids),
         "why": list(i.why), "payload": i.payload, "reply_to_message_id": i.reply_to_message_id, "created_at": now}
        for i in cast(list[OutboxItem], items)
    ]
    added = 0
    async with self._engine.begin() as conn:
        for row in rows:
            added += max((await conn.execute(self._insert_ignoring_duplicates().values(**row))).rowcount, 0)
    return added


async def upsert_row_by_row(self: NoticeRepo, batch: Any, now: datetime) -> Any:
    """Every notice under its own savepoint: the path a batch falls back to when one notice fails."""
    async with self._engine.begin() as conn:
        await start_transaction(conn)
        return await self._upsert_each(conn, list(batch), now)


class Listing:
    """A source that returns a fixed batch of new notices once."""

    name = "bench"

    def __init__(self, batch: list[Notice]) -> None:
        self.batch = batch

    async def poll(self, fetcher: Any, state: SourceState, *, now: datetime, force: bool = False) -> PollResult:
        return PollResult(tuple(self.batch), replace(state, cursor="done", last_success=now), (), True)


def batch(count: int, now: datetime, *, with_text: bool = True) -> list[Notice]:
    """Distinct tenders, every one an instrument tender the subscriptions match (``with_text``: a page of body text)."""
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
            text=f"第{n}人民医院高效液相色谱仪采购项目 预算金额：{100 + n}万元 " * 20 if with_text else "",
        )
        for n in range(count)
    ]


async def one_poll(url: str, notices: int, chats: int, *, bulk: bool) -> tuple[float, int]:
    """Seconds for one poll on a fresh database, and the outbox rows it queued."""
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    await upgrade(engine)
    store = Store.over(engine)
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    for chat in range(chats):
        await store.chats.ensure(10_000 + chat, now)
        await store.chats.add_subscription(10_000 + chat, "液相色谱", now)
    fetcher: Any = None
    pipeline = Pipeline(store, fetcher, SubscriptionIndex(store.chats), clock=lambda: now)
    await SubscriptionIndex(store.chats).refresh()  # warm imports and the first connection
    saved = NoticeRepo.upsert, OutboxRepo.enqueue
    if not bulk:
        NoticeRepo.upsert, OutboxRepo.enqueue = upsert_row_by_row, enqueue_row_by_row  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        summary = await pipeline.poll(cast(Source, Listing(batch(notices, now))))
        elapsed = time.perf_counter() - started
    finally:
        NoticeRepo.upsert, OutboxRepo.enqueue = saved  # type: ignore[method-assign]
    async with engine.connect() as conn:
        rows = int((await conn.execute(select(func.count()).select_from(deliveries))).scalar_one())
    assert summary.ok and summary.new == notices and rows == summary.queued, summary
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    await engine.dispose()
    return elapsed, rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--chats", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3, help="polls per row; the best is shown")
    parser.add_argument("--postgres", help="also measure on this (empty) PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db")]
        if args.postgres:
            backends.append(("PostgreSQL", args.postgres))
        print(f"one poll: {args.notices} new notices × {args.chats} matching chats (best of {args.repeat})")
        for name, url in backends:
            for label, bulk in (("row by row", False), ("bulk", True)):
                runs = [await one_poll(url, args.notices, args.chats, bulk=bulk) for _ in range(args.repeat)]
                best, rows = min(runs)
                print(f"  {name:<10} {label:<10} {best:6.2f} s  ({rows} outbox rows)")


if __name__ == "__main__":
    asyncio.run(main())
