"""Console search speed: ``services.search.search`` over N stored notices in SQLite.

    python bench/bench_search.py --notices 20000

Stores N synthetic notices (titles and texts varied over a product list, one in twenty an instrument
tender), then times a word query, a filter-only query and the empty query (every notice, sorted), each
three times; prints the best wall time per query and notices per second. The console reads the notices
of its window (30 days by default) in batches and decodes and matches them in a worker thread.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tenderbot.models import Category, Money, Notice, NoticeType, Party, Region
from tenderbot.services.search import search
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.repos import Store

PRODUCTS = ["液相色谱仪", "办公家具", "彩色多普勒超声诊断仪", "物业服务", "质谱仪", "电脑", "监护仪", "绿化养护"]
PROVINCES = ["江苏", "浙江", "江西", "广东", "四川", "北京"]


def notice(n: int, now: datetime) -> Notice:
    """One synthetic notice."""
    product = PRODUCTS[n % len(PRODUCTS)]
    return Notice(
        source="bench", source_id=str(n), url=f"https://example.gov.cn/{n}", title=f"某单位{n}号{product}采购项目",
        notice_type=NoticeType.TENDER, budget=Money(Decimal(10_000 * (n % 500 + 1))),
        tender_deadline=now + timedelta(days=n % 30 - 5), published_at=now - timedelta(hours=n % 600),
        buyer=Party(name=f"某单位{n}"), region=Region(province=PROVINCES[n % len(PROVINCES)]),
        categories=(Category.INSTRUMENT,) if n % 20 == 0 else (), text=f"{product} 一批。" * 20,
    )


async def main(count: int) -> None:
    """Fill a database, then time the queries."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await upgrade(engine)
        store = Store.over(engine)
        for start in range(0, count, 1000):
            await store.notices.upsert([notice(n, now) for n in range(start, min(count, start + 1000))], now)
        for query in ("液相色谱 -维修", "类别:仪器 地区:江苏", ""):
            best, found = float("inf"), 0
            for _ in range(3):
                started = time.perf_counter()
                found = len(await search(store.notices, query, now=now, since=timedelta(days=30)))
                best = min(best, time.perf_counter() - started)
            print(f"{query or '(everything)':<22} {found:>7} hits  {best:6.2f} s  {count / best:>9,.0f} notices/s")
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().notices))
