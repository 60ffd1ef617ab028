"""The delivery jobs are scheduled, their errors never kill the scheduler, and ``tenderbot digest`` works."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from tenderbot.jobs import _housekeeping, _tick_and_wake, schedule_jobs
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.pipeline import Pipeline
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.pending import PendingAction
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex
from tests.delivery.support import tender, text_item
from tests.offline import offline_env

ROOT = Path(__file__).parents[2]


def _sender(store: Store) -> Sender:
    return Sender(store, telegram=None, console=None, limiter=SendLimiter(), clock=lambda: datetime.now(UTC))


async def test_schedule_jobs_adds_the_delivery_ticks(store: Store) -> None:
    fetcher: Any = None
    index = SubscriptionIndex(store.chats)
    pipeline = Pipeline(store, fetcher, index, clock=lambda: datetime.now(UTC))
    scheduler = AsyncIOScheduler(timezone=UTC)
    schedule_jobs(scheduler, [], pipeline, _sender(store), clock=lambda: datetime.now(UTC), index=index)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"delivery:digest", "delivery:reminders", "delivery:housekeeping"}
    assert jobs["delivery:digest"].trigger.interval == timedelta(minutes=1)
    assert jobs["delivery:reminders"].trigger.interval == timedelta(minutes=10)


async def test_a_crashing_tick_is_logged_and_a_productive_one_wakes_the_sender(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    sender = _sender(store)

    async def crash() -> int:
        raise RuntimeError("boom")

    async def queued() -> int:
        return 2

    await _tick_and_wake("digest", crash, sender)
    assert not sender.wakeup.is_set() and "digest tick crashed" in caplog.text
    await _tick_and_wake("digest", queued, sender)
    assert sender.wakeup.is_set()


@pytest.mark.slow
async def test_digest_subcommand_dry_run_in_a_real_process(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tenderbot.db'}"
    engine = make_engine(url)
    await upgrade(engine)
    store = Store.over(engine)
    now = datetime.now(UTC)
    await store.chats.ensure(42, now)
    await store.chats.add_subscription(42, "液相色谱", now)
    await store.notices.upsert([tender("t-1", deadline=now + timedelta(days=5))], now - timedelta(hours=1))
    await engine.dispose()
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERBOT_")}
    env.update(
        TENDERBOT_TELEGRAM_TOKEN="",
        TENDERBOT_DATABASE_URL=url,
        TENDERBOT_SOURCES_FILE=str(sources),
        TENDERBOT_TAXONOMY_FILE=str(ROOT / "config" / "taxonomy.yaml"),
    )
    env = offline_env(env)
    command = [sys.executable, "-m", "tenderbot", "digest", "--chat", "42", "--dry-run"]
    result = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "每日摘要" in out and "液相色谱仪" in out and "即将截止" in out
    missing = subprocess.run([*command[:-3], "--chat", "7", "--dry-run"], env=env, cwd=tmp_path, capture_output=True)
    assert missing.returncode == 2


async def test_housekeeping_drops_old_settled_rows_and_abandoned_confirmations(store: Store) -> None:
    now = datetime.now(UTC)
    old = now - timedelta(days=120)
    await store.chats.ensure(1, old)
    await store.outbox.enqueue([text_item(1, "old", "x"), text_item(1, "queued", "y")], old)
    await store.outbox.enqueue([text_item(1, "new", "z")], now)
    for row in await store.outbox.for_chat(1):
        if row.dedupe_key != "queued":
            await store.outbox.mark_sent(row.id, now, 1)
    await store.pending.put(PendingAction("t-old", 1, "sub", {}, now - timedelta(days=8)))
    await store.pending.put(PendingAction("t-new", 1, "sub", {}, now - timedelta(hours=1)))
    await _housekeeping(_sender(store), lambda: now)
    assert [r.dedupe_key for r in await store.outbox.for_chat(1)] == ["queued", "new"]
    assert await store.pending.get("t-old") is None and await store.pending.get("t-new") is not None
