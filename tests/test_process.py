"""The same flow through real ``tenderbot`` processes: ``run`` with the bot, a restart, and ``poll --once``."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e_support import TOKEN, PortalWorld
from tests.fake_telegram import FakeTelegram
from tests.offline import CHILD_MARKER, offline_env
from tests.replay_server import ReplayServer

pytestmark = pytest.mark.slow
USER = 5151


def env_for(tmp: Path, sources: Path, api_url: str | None) -> dict[str, str]:
    """The process environment: everything through TENDERBOT_* variables, as an operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERBOT_")}
    env.update(
        TENDERBOT_TELEGRAM_TOKEN=TOKEN if api_url else "",
        TENDERBOT_TELEGRAM_API_URL=api_url or "https://api.telegram.invalid",
        TENDERBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp / 'tenderbot.db'}",
        TENDERBOT_SOURCES_FILE=str(sources),
        TENDERBOT_TAXONOMY_FILE=str(Path(__file__).parents[1] / "config" / "taxonomy.yaml"),
        PYTHONUNBUFFERED="1",
    )
    return offline_env(env)  # the child processes run under the offline guard too


@contextmanager
def running(env: dict[str, str], cwd: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m tenderbot run`` in the background; stopped with SIGTERM, which must exit cleanly."""
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "tenderbot", "run"], env=env, cwd=cwd, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("tenderbot run did not stop within 20 s of SIGTERM") from None
        output = log.read_text("utf-8", "replace")
        assert code == 0, f"tenderbot run exited with {code}:\n{output[-3000:]}"
        assert CHILD_MARKER not in output, output[-3000:]


def wait_until(predicate: object, timeout: float, what: str, log: Path) -> None:
    """Poll a condition from the test thread; fail at once if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        if "Traceback" in log.read_text("utf-8", "replace"):
            break
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text('utf-8', 'replace')[-3000:]}")


def poll_once(env: dict[str, str], cwd: Path) -> str:
    """Run ``tenderbot poll --once`` and return its standard output."""
    result = subprocess.run(
        [sys.executable, "-m", "tenderbot", "poll", "--once"], env=env, cwd=cwd, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert CHILD_MARKER not in result.stderr.decode("utf-8", "replace")
    return result.stdout.decode("utf-8")


def alert_rows(tmp: Path) -> list[str]:
    """The states of the outbox's alert rows for the user, read straight from the database (WAL: no locking)."""
    with closing(sqlite3.connect(tmp / "tenderbot.db", timeout=5)) as db:
        rows = db.execute("SELECT state FROM deliveries WHERE chat_id = ? AND kind = 'alert'", (USER,)).fetchall()
    return [str(state) for (state,) in rows]


def polls_logged(log: Path) -> int:
    """How many finished polls of the test feed the log shows (the pipeline logs one line per poll)."""
    lines = log.read_text("utf-8", "replace").splitlines()
    return sum("test-feed: " in line and "messages queued" in line for line in lines)


def alerts(fake: FakeTelegram) -> list[dict[str, object]]:
    """Alerts (messages with the alert buttons) sent to the user."""
    return [m for m in fake.sent("sendMessage", chat_id=USER) if "f:" in str(m.get("reply_markup", ""))]


def test_run_process_alerts_once_and_restarts_cleanly(tmp_path: Path) -> None:
    log = tmp_path / "tenderbot.log"
    with ReplayServer() as server, FakeTelegram.serving() as fake:
        world = PortalWorld(server, datetime.now(UTC))
        env = env_for(tmp_path, world.write_sources(tmp_path / "sources.yaml", interval_seconds=60), fake.server_url)
        with running(env, tmp_path, log):
            wait_until(lambda: "setMyCommands" in fake.calls, 30, "the bot to start", log)
            fake.push_update(fake.command(USER, USER, "/start"))
            fake.push_update(fake.command(USER, USER, "/sub 液相色谱"))
            wait_until(
                lambda: any("已订阅" in str(m["text"]) for m in fake.sent("sendMessage", USER)),
                15,
                "the subscription reply",
                log,
            )
            world.publish()
            # A cron-style `poll --once` in another process feeds the running job through the database.
            poll_once(env, tmp_path)
            wait_until(lambda: len(alerts(fake)) >= 1, 30, "the alert", log)
            text = str(alerts(fake)[0]["text"])
            assert "高效液相色谱仪" in text and "128.5万元" in text and f"{world.deadline:%Y-%m-%d %H:%M}" in text
            poll_once(env, tmp_path)
            # The second poll has committed: had it queued the alert again, a second row would be there now.
            wait_until(lambda: alert_rows(tmp_path) == ["sent"], 15, "one sent alert row and nothing pending", log)
        assert len(alerts(fake)) == 1
        # A scheduled poll is skipped within half an interval of another process's poll (tenderbot/poll_gate.py);
        # this restart comes seconds after the cron-style poll, so let that poll look long past.
        with closing(sqlite3.connect(tmp_path / "tenderbot.db", timeout=5)) as db, db:
            db.execute("UPDATE source_state SET last_poll_at = NULL WHERE name = 'test-feed'")
        with running(env, tmp_path, log):
            polls_before = polls_logged(log)
            # The restarted job polls on its own shortly after start (first run ~1 s after start).
            wait_until(lambda: polls_logged(log) > polls_before, 30, "a finished poll after restart", log)
            assert alert_rows(tmp_path) == ["sent"]
        assert len(alerts(fake)) == 1
        assert TOKEN not in log.read_text("utf-8", "replace")  # the token never reaches the log


def test_poll_once_prints_console_alerts_and_exits(tmp_path: Path) -> None:
    with ReplayServer() as server:
        world = PortalWorld(server, datetime.now(UTC))
        world.publish()
        env = env_for(tmp_path, world.write_sources(tmp_path / "sources.yaml"), None)
        out = poll_once(env, tmp_path)
    assert "高效液相色谱仪" in out and "128.5万元" in out
    assert "锅炉用煤" not in out
