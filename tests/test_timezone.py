"""TENDERBOT_TIMEZONE is one setting used everywhere an operator reads a time, and every such time names its zone."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tenderbot.app import TenderBot
from tenderbot.cli import main
from tests.e2e_support import settings_for

DEAD_FEED = "sources:\n  - name: dead-feed\n    kind: feed\n    options:\n      url: http://127.0.0.1:9/feed.xml\n"


async def test_new_chats_and_retry_times_follow_the_setting(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "sources.yaml").write_text(DEAD_FEED, encoding="utf-8")
    settings = settings_for(tmp_path, tmp_path / "sources.yaml", None)
    settings = settings.model_copy(update={"timezone": "Europe/Berlin", "admin_chat_ids": "777"})
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    with caplog.at_level(logging.INFO):
        async with TenderBot(settings, fetch_min_delay=0.0, fetch_backoff=0.001, clock=lambda: now) as app:
            chat = await app.store.chats.get(777)
            assert chat is not None and chat.timezone == "Europe/Berlin"  # a new chat starts in the operator's zone
            await app.poll_once()
            state = await app.store.sources.load("dead-feed")
    assert state.backoff_until is not None
    local = state.backoff_until.astimezone(settings.tz)
    (line,) = [r.getMessage() for r in caplog.records if "dead-feed: unreachable" in r.getMessage()]
    assert f"next try after {local:%H:%M} (Europe/Berlin)" in line


def test_sources_table_names_its_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tenderbot.cli.configure_logging", lambda *args, **kwargs: None)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources.yaml").write_text(DEAD_FEED, encoding="utf-8")
    monkeypatch.delenv("TENDERBOT_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("TENDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("TENDERBOT_TIMEZONE", "America/New_York")
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    assert "dead-feed" in out and "(times in America/New_York, from TENDERBOT_TIMEZONE)" in out
