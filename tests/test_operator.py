"""What an operator relies on: `tenderbot parse`, `tenderbot sources check`, and being told about failing sources."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tenderbot.app import TenderBot
from tenderbot.cli import main
from tests.e2e_support import CORPUS, PortalWorld, settings_for
from tests.replay_server import ReplayServer

SCHEMA_KEYS = {
    "title", "notice_type", "procurement_method", "project_code", "buyer", "agency", "budget", "max_price", "lots",
    "tender_deadline", "opening_time", "published_at", "region", "categories", "category_terms", "award",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _quiet_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI configures logging; keep it from replacing pytest's handlers for later tests."""
    monkeypatch.setattr("tenderbot.cli.configure_logging", lambda *args, **kwargs: None)


def test_parse_prints_the_schema_for_a_file_and_for_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = CORPUS / "ccgp-award-guizhou-summary-table.html"
    assert main(["parse", str(page), "--url", "http://www.ccgp.gov.cn/cggg/dfgg/zbgg/202506/t20250627_1.htm"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) >= SCHEMA_KEYS
    assert record["notice_type"] == "award" and record["region"]["province"] == "贵州"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page.read_bytes())))
    assert main(["parse", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["project_code"] == record["project_code"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x00\x01\x02" * 100)))
    assert main(["parse", "-"]) == 2
    assert "binary" in capsys.readouterr().err


def test_sources_check_says_plainly_what_worked_and_what_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReplayServer() as server:
        world = PortalWorld(server, datetime.now(UTC))
        world.publish()
        sources = world.write_sources(tmp_path / "sources.yaml")
        sources.write_text(
            sources.read_text("utf-8")
            + "  - name: dead-portal\n    kind: feed\n    options:\n      url: http://127.0.0.1:9/feed.xml\n",
            encoding="utf-8",
        )
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(sources))
        monkeypatch.setenv("TENDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
        monkeypatch.setenv("TENDERBOT_TELEGRAM_TOKEN", "")
        assert main(["sources", "check"]) == 1
    out = capsys.readouterr().out
    assert "== test-feed (feed): OK" in out
    assert "== dead-portal (feed): FAILED" in out
    assert "高效液相色谱仪" in out  # the detail page it read and parsed


async def test_admins_hear_once_a_day_when_a_source_keeps_failing(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: dead-portal\n    kind: feed\n    options:\n      url: http://127.0.0.1:9/feed.xml\n",
        encoding="utf-8",
    )
    settings = settings_for(tmp_path, sources, None).model_copy(update={"admin_chat_ids": "777"})
    clock = [datetime(2026, 11, 22, 2, 0, tzinfo=UTC)]
    async with TenderBot(settings, fetch_min_delay=0.0, fetch_backoff=0.001, clock=lambda: clock[0]) as app:
        for _ in range(4):
            await app.poll_once()
            clock[0] += timedelta(hours=3)  # past each backoff, so every poll really tries
        health = await app.store.outbox.for_chat(777, ["health"])
        assert len(health) == 1  # reported at the third failure, not again the same day
        assert "dead-portal" in str(health[0].payload) and "连续 3 次" in str(health[0].payload)
        state = await app.store.sources.load("dead-portal")
        assert state.failures == 4


async def test_admins_hear_when_a_productive_source_falls_silent(tmp_path: Path) -> None:
    with ReplayServer() as server:
        world = PortalWorld(server, datetime.now(UTC))  # not published: the feed answers, but empty
        settings = settings_for(tmp_path, world.write_sources(tmp_path / "sources.yaml"), None)
        settings = settings.model_copy(update={"admin_chat_ids": "777"})
        now = datetime.now(UTC)
        async with TenderBot(settings, fetch_min_delay=0.0, clock=lambda: now) as app:
            state = await app.store.sources.load("test-feed")
            await app.store.sources.save(replace(state, last_notice_at=now - timedelta(days=4)), now)
            assert [s.ok for s in await app.poll_once()] == [True]
            health = await app.store.outbox.for_chat(777, ["health"])
            assert len(health) == 1 and "4 天没有新公告" in str(health[0].payload)
