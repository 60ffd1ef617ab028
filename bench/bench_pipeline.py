"""Benchmark the storage side of the pipeline: database size per 10,000 notices, and storing them.

Run: ``python bench/bench_pipeline.py`` (options: --notices, --database-url, --seed).
The same realistic notices (bench_match's generator: title, code, lots, 0.7–1.6 k characters of body)
are stored twice in the same run: once as the store writes them now (UTF-8 JSON through orjson, the body
zlib-compressed in its own column), and once the way it wrote them before (stdlib JSON with ``\\uXXXX``
escapes, the body inline in the JSON). It prints the size of each database after VACUUM, the ratio,
and the time each took to store. Target: ≤ 35 MiB per 10k notices (before: 63 MiB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
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

import tenderbot.store.notices as notice_rows  # noqa: E402
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


def main(argv: list[str] | None = None) -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261208)
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
