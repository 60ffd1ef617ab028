"""Benchmark the storage side of the pipeline: database size per 10,000 notices, storing them, start-up.

Run: ``python bench/bench_pipeline.py`` (options: --notices, --startup-subscriptions, --startup-notices, --seed).
The same realistic notices (bench_match's generator: title, code, lots, 0.7–1.6 k characters of body)
are stored twice in the same run: once as the store writes them now (UTF-8 JSON through orjson, the body
zlib-compressed in its own column), and once the way it wrote them before (stdlib JSON with ``\\uXXXX``
escapes, the body inline in the JSON). It prints the size of each database after VACUUM, the ratio,
and the time each took to store. Target: ≤ 35 MiB per 10k notices (before: 63 MiB).

Start-up: a database with 100,000 subscriptions and 100,000 notices is opened the way ``tenderbot run``
opens it (engine, migrations, the subscription index over the taxonomy's synonyms) three times: compiling
the index (the first start), then twice more reading it from its cache. Target: ready in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

import tenderbot.store.notice_values as notice_rows  # noqa: E402
from bench.bench_match import load_products, make_notice  # noqa: E402
from tenderbot.models import Notice  # noqa: E402
from tenderbot.store.db import make_engine, upgrade  # noqa: E402
from tenderbot.store.repos import Store  # noqa: E402

NOW = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)
MIB = 1024 * 1024


@contextmanager
def legacy_encoding() -> Iterator[None]:
    """Write rows as before: the body inline in the JSON column."""
    original = notice_rows.split_body

    def inline(data: dict[str, Any]) -> tuple[dict[str, Any], bytes | None]:
        return data, None

    notice_rows.split_body = inline  # type: ignore[assignment]
    try:
        yield
    finally:
        notice_rows.split_body = original  # type: ignore[assignment]


async def store_all(url: str, day: list[Notice], *, legacy: bool) -> tuple[float, float]:
    """Store the notices in batches of 200 (a busy poll); returns (seconds, MiB after VACUUM)."""
    # Before: stdlib json (ensure_ascii writes every Chinese character as \\uXXXX) and SQLite's 4 KB pages.
    engine = create_async_engine(url, json_serializer=json.dumps) if legacy else make_engine(url)
    await upgrade(engine)
    store = Store.over(engine)
    started = time.perf_counter()
    with legacy_encoding() if legacy else _nothing():
        for start in range(0, len(day), 200):
            await store.notices.upsert(day[start : start + 200], NOW - timedelta(minutes=len(day) - start))
    seconds = time.perf_counter() - started
    async with engine.connect() as conn:
        await conn.execute(text("VACUUM"))
    await engine.dispose()
    return seconds, Path(url.split("///", 1)[1]).stat().st_size / MIB


@contextmanager
def _nothing() -> Iterator[None]:
    yield


async def run(args: argparse.Namespace) -> None:
    """Generate, store both ways, print."""
    rng = random.Random(args.seed)
    families, _ = load_products()
    day = [make_notice(rng, families, n) for n in range(args.notices)]
    scale = 10_000 / args.notices
    with tempfile.TemporaryDirectory() as folder:
        now_s, now_mib = await store_all(f"sqlite+aiosqlite:///{folder}/now.db", day, legacy=False)
        old_s, old_mib = await store_all(f"sqlite+aiosqlite:///{folder}/before.db", day, legacy=True)
    mean_body = sum(len(n.text) for n in day) / len(day)
    print(f"{args.notices:,} notices, mean body {mean_body:,.0f} characters")
    print(f"before (\\u-escaped JSON, body inline): {old_mib * scale:6.1f} MiB per 10k notices, "
          f"stored in {old_s:.1f} s")
    print(f"now (UTF-8 JSON, zlib body column):    {now_mib * scale:6.1f} MiB per 10k notices, stored in {now_s:.1f} s")
    print(f"ratio: {old_mib / now_mib:.2f}× smaller (target ≤ 35 MiB: {'met' if now_mib * scale <= 35 else 'MISSED'})")


async def startup(args: argparse.Namespace) -> None:
    """Time a cold and two warm starts over a large database."""
    from sqlalchemy import insert

    from bench.bench_match import make_query
    from tenderbot.store.tables import chats, notices, projects, subscriptions

    rng = random.Random(args.seed)
    families, _ = load_products()
    taxonomy_file = ROOT / "config" / "taxonomy.yaml"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/big.db"
        engine = make_engine(url)
        await upgrade(engine)
        chat_count = args.startup_subscriptions // 2
        async with engine.begin() as conn:
            await conn.execute(insert(chats), [{"id": c, "kind": "private", "language": "zh",
                                                "timezone": "Asia/Shanghai", "digest_always": False, "instant": True,
                                                "active": True, "send_failures": 0, "created_at": NOW}
                                               for c in range(1, chat_count + 1)])
            await conn.execute(insert(subscriptions), [
                {"chat_id": 1 + n % chat_count, "number": 1 + n // chat_count, "query": make_query(rng, families),
                 "name": "", "active": True, "instant": True, "excluded_buyers": [], "created_at": NOW}
                for n in range(args.startup_subscriptions)
            ])
            await conn.execute(insert(projects), [{"id": n + 1, "fingerprint": f"{n:064x}", "created_at": NOW}
                                                  for n in range(args.startup_notices)])
            for start in range(0, args.startup_notices, 5000):
                rows = []
                for n in range(start, min(start + 5000, args.startup_notices)):
                    values = notice_rows.row_values(make_notice(rng, families, n), NOW)
                    rows.append({**values, "project_id": n + 1, "dedupe_key": f"bench:{n}", "first_seen_at": NOW})
                await conn.execute(insert(notices), rows)
        await engine.dispose()
        print(f"start-up over {args.startup_subscriptions:,} subscriptions and {args.startup_notices:,} notices:")
        # Each start is a new process, as a restart is: imports, engine, migrations, taxonomy, index.
        for attempt in ("first start (compiles, saves the cache)", "restart (cache)", "restart (cache)"):
            started = time.perf_counter()
            child = subprocess.run(
                [sys.executable, __file__, "--child-start", url, str(Path(folder) / "cache"), str(taxonomy_file)],
                capture_output=True, text=True, check=True,
            )
            total = time.perf_counter() - started
            print(f"  {attempt}: {child.stdout.strip()}; process start to ready {total:.2f} s")


async def child_start(url: str, cache: str, taxonomy_file: str) -> None:
    """One start in this (new) process: open the database and make the subscription index ready."""
    from tenderbot.extract.taxonomy import load_taxonomy
    from tenderbot.index_cache import IndexCache, file_digest
    from tenderbot.subscriptions import SubscriptionIndex

    started = time.perf_counter()
    engine = make_engine(url)
    await upgrade(engine)
    store = Store.over(engine)
    taxonomy = load_taxonomy(Path(taxonomy_file))
    index = SubscriptionIndex(store.chats, taxonomy.synonyms, cache=IndexCache(Path(cache)),
                              cache_salt=file_digest(Path(taxonomy_file)))
    await index.refresh()
    print(f"index of {len(index):,} subscriptions ready {time.perf_counter() - started:.2f} s after opening the "
          "database")
    await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse options and run."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-start"]:
        asyncio.run(child_start(*argv[1:4]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261208)
    parser.add_argument("--startup-subscriptions", type=int, default=100_000)
    parser.add_argument("--startup-notices", type=int, default=100_000)
    parser.add_argument("--skip-storage", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_storage:
        asyncio.run(run(args))
    if args.startup_subscriptions:
        asyncio.run(startup(args))


if __name__ == "__main__":
    main()
