"""Two ``tenderbot run`` processes on one PostgreSQL database: a burst of alerts, none lost, none twice.

Only one of them receives Telegram updates (an advisory lock), the other takes over when it stops; each
source is polled by one process at a time. Runs for real under CI (PostgreSQL is required there).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.repos import Store
from tests.e2e_support import PortalWorld
from tests.fake_telegram import FakeTelegram
from tests.replay_server import ReplayServer
from tests.test_process import env_for, running

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
CHATS = range(7001, 7121)  # 120 private chats, each subscribed to the tender the portal publishes


async def _seed(url: str) -> None:
    engine = make_engine(url)
    await upgrade(engine)
    store = Store.over(engine)
    now = datetime.now(UTC)
    for chat in CHATS:
        await store.chats.ensure(chat, now)
        await store.chats.add_subscription(chat, "液相色谱", now)
    await engine.dispose()


def _wait(predicate: object, timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {log.name}\n{log.read_text('utf-8', 'replace')[-2500:]}" for log in logs)
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def test_two_processes_share_the_work_without_duplicates(tmp_path: Path, pg_url: str) -> None:
    asyncio.run(_seed(pg_url))
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with ReplayServer() as server, FakeTelegram.serving() as fake:
        world = PortalWorld(server, datetime.now(UTC))
        world.publish()
        env = env_for(tmp_path, world.write_sources(tmp_path / "sources.yaml", interval_seconds=60), fake.server_url)
        # Two senders share Telegram's 30/s: each takes half (the fake answers 429 past the real limits).
        env.update(TENDERBOT_DATABASE_URL=pg_url, TENDERBOT_SEND_RATE_PER_SECOND="14")
        with running(env, tmp_path, logs[0]) as first, running(env, tmp_path, logs[1]):

            def alerts() -> Counter[int]:
                return Counter(int(str(m["chat_id"])) for m in fake.sent("sendMessage") if "高效液相色谱仪" in str(m))

            _wait(lambda: set(alerts()) >= set(CHATS), 90, "an alert in every chat", logs)
            time.sleep(4)  # both senders look at the outbox every 2 s: anything left would go out now
            counts = alerts()
            assert all(counts[chat] == 1 for chat in CHATS), {c: n for c, n in counts.items() if n != 1}
            # The announcement was fetched by one process, once.
            assert len(server.hits("/notice/lc-tender.html")) == 1
            texts = [log.read_text("utf-8", "replace") for log in logs]
            receivers = [t for t in texts if "this process receives Telegram updates" in t]
            assert len(receivers) == 1, "exactly one process calls getUpdates"
            standby = logs[1] if receivers[0] is texts[0] else logs[0]
            leader_is_first = receivers[0] is texts[0]
            assert "another process receives Telegram updates" in standby.read_text("utf-8")
            if leader_is_first:
                first.terminate()
                first.wait(timeout=20)
                _wait(lambda: "this one receives them now" in standby.read_text("utf-8"), 40, "the take-over", logs)
        for log in logs:
            assert "Traceback" not in log.read_text("utf-8", "replace")
