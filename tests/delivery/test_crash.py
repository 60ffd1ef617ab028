"""Real sender processes against the fake Bot API: SIGKILL mid-burst and restart; two senders at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.repos import Store
from tests.delivery.support import start_time, text_item
from tests.fake_telegram import FakeTelegram
from tests.offline import offline_env

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]
BURST = 200
LEASE = 2.0
CONCURRENCY = 16  # the sender's default: at most this many sends are in the air when it dies


def spawn(db_url: str, api_url: str, log: Path) -> subprocess.Popen[bytes]:
    """Start a sender process."""
    env = offline_env({k: v for k, v in os.environ.items() if not k.startswith("TENDERBOT_")})
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.delivery.crash_sender", db_url, api_url, str(LEASE)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )


async def seeded(db_url: str) -> Store:
    """A database with one alert-sized message queued for each of BURST chats."""
    engine = make_engine(db_url)
    await upgrade(engine)
    store = Store.over(engine)
    now = start_time()
    for n in range(BURST):
        await store.chats.ensure(10_000 + n, now)
    await store.outbox.enqueue(
        [text_item(10_000 + n, "alert:1", f"<b>招标</b> 第{n}号", kind="alert") for n in range(BURST)], now
    )
    return store


def delivered(fake: FakeTelegram) -> Counter[str]:
    """How many times each message text reached a chat at the fake."""
    return Counter(str(m["text"]) for n in range(BURST) for m in fake.messages(10_000 + n))


async def wait_for(predicate: object, timeout: float, what: str, log: Path) -> None:
    """Poll until the predicate holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text('utf-8', 'replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def test_sigkill_mid_burst_then_restart_sends_every_row_once_but_the_in_flight(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    log = tmp_path / "sender.log"
    store = await seeded(db_url)
    with FakeTelegram.serving() as fake:
        first = spawn(db_url, fake.server_url, log)
        try:
            await wait_for(lambda: sum(delivered(fake).values()) >= 60, 60, "60 messages", log)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        before = delivered(fake)
        rows = await store.outbox.counts()
        assert 60 <= sum(before.values()) < BURST, "the kill must land mid-burst"
        in_flight = {
            f"招标 第{d.chat_id - 10_000}号"
            for n in range(BURST)
            for d in await store.outbox.for_chat(10_000 + n)
            if d.state == "sending"
        }
        assert rows.get("sending", 0) == len(in_flight) > 0
        restarted = time.monotonic()
        second = spawn(db_url, fake.server_url, log)
        try:

            async def all_sent() -> bool:
                return (await store.outbox.counts()) == {"sent": BURST}

            await wait_for(all_sent, 90, "every row sent after the restart", log)
        finally:
            stop(second)
        took = time.monotonic() - restarted
    await store.engine.dispose()
    after = delivered(fake)
    expected = {f"招标 第{n}号" for n in range(BURST)}
    assert set(after) == expected  # nothing lost
    duplicated = {text for text, times in after.items() if times > 1}
    assert all(times <= 2 for times in after.values())
    assert duplicated <= in_flight  # only messages in flight at the kill can arrive twice
    assert len(duplicated) <= CONCURRENCY
    assert all(after[text] == 1 for text in before if text not in in_flight)  # sent before the kill: once
    print(f"crash: {sum(before.values())} sent before the kill, {len(in_flight)} in flight, ", end="")
    print(f"{len(duplicated)} duplicated, restart drained in {took:.1f}s")
    assert took < 60


async def test_two_sender_processes_share_the_outbox_without_duplicates(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    log = tmp_path / "sender.log"
    store = await seeded(db_url)
    with FakeTelegram.serving() as fake:
        senders = [spawn(db_url, fake.server_url, log) for _ in range(2)]
        try:

            async def all_sent() -> bool:
                return (await store.outbox.counts()) == {"sent": BURST}

            await wait_for(all_sent, 90, "every row sent by two senders", log)
        finally:
            for process in senders:
                stop(process)
    await store.engine.dispose()
    after = delivered(fake)
    assert set(after.values()) == {1} and len(after) == BURST
