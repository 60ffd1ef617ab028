"""Honest polling: a skipped poll says so in the operator's zone, --force and `sources check` end a backoff,
an empty listing after full ones is suspect."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tenderbot.app import TenderBot
from tenderbot.cli import main
from tenderbot.models import SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.ggzy import GgzySource
from tests.e2e_support import settings_for
from tests.replay_server import ReplayServer
from tests.sources.conftest import NOW, fixture_bytes

JSON = {"Content-Type": "application/json;charset=UTF-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
LIST = "/information/pubTradingInfo/getTradList"
EMPTY = json.dumps({"code": 200, "message": "success", "data": {"records": [], "total": 0, "current": 1, "pages": 0}})


def sources_yaml(path: Path, url: str, *, enabled: bool = True) -> Path:
    path.write_text(f"sources:\n  - name: gg\n    kind: ggzy\n    enabled: {str(enabled).lower()}\n"
                    f"    options:\n      base_url: {url}\n", encoding="utf-8")
    return path


async def test_backoff_skip_is_logged_as_skipped_and_force_polls(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 北京时间
    with ReplayServer() as server:
        server.add("POST", LIST, EMPTY, headers=JSON)
        settings = settings_for(tmp_path, sources_yaml(tmp_path / "s.yaml", server.url), None)
        async with TenderBot(settings, fetch_min_delay=0.0, clock=lambda: now) as app:
            state = SourceState(name="gg", failures=2, backoff_until=now + timedelta(minutes=95), last_error="x")
            await app.store.sources.save(state, now)
            with caplog.at_level(logging.INFO, logger="tenderbot.pipeline"):
                (summary,) = await app.poll_once()
            assert summary.status == "skipped" and server.hits(LIST) == []
            lines = [r.getMessage() for r in caplog.records if r.name == "tenderbot.pipeline"]
            assert lines == ["gg: skipped: backing off until 11:35 (北京时间)"]
            assert not any("found" in line for line in lines)
            (forced,) = await app.poll_once(force=True)
            assert forced.status == "ok" and len(server.hits(LIST)) == 1
            assert (await app.store.sources.load("gg")).backoff_until is None


async def test_failure_says_next_try_in_the_operator_zone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    with ReplayServer() as server:  # every path 404
        settings = settings_for(tmp_path, sources_yaml(tmp_path / "s.yaml", server.url), None)
        async with TenderBot(settings, fetch_min_delay=0.0, clock=lambda: now) as app:
            with caplog.at_level(logging.INFO, logger="tenderbot.pipeline"):
                (summary,) = await app.poll_once()
    assert summary.status == "failed"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "tenderbot.pipeline"]
    assert line.endswith("next try after 10:15 (北京时间)") and "UTC" not in line


def test_sources_check_reaches_a_disabled_source_and_clears_its_backoff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tenderbot.cli.configure_logging", lambda *args, **kwargs: None)
    with ReplayServer() as server:
        server.add("POST", LIST, fixture_bytes("ggzy-gettradlist-2026-constructed.json"), headers=JSON)
        server.add("GET", "/information/deal/html/b/320000/0201/20261122/9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0.html",
                   fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
        sources = sources_yaml(tmp_path / "s.yaml", server.url, enabled=False)
        settings = settings_for(tmp_path, sources, None)
        monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(sources))
        monkeypatch.setenv("TENDERBOT_DATABASE_URL", settings.database_url)
        monkeypatch.setenv("TENDERBOT_TELEGRAM_TOKEN", "")

        async def seed() -> None:
            now = datetime.now(UTC)
            async with TenderBot(settings, fetch_min_delay=0.0) as app:
                state = SourceState(name="gg", failures=3, backoff_until=now + timedelta(hours=2), last_error="x")
                await app.store.sources.save(state, now)

        import asyncio

        asyncio.run(seed())
        assert main(["sources"]) == 0
        table = capsys.readouterr().out
        assert "[backing off until " in table and "(北京时间)] x" in table  # one zone in operator output
        assert main(["sources", "check", "gg"]) == 0
        assert main(["sources", "check", "nope"]) == 2

        async def load() -> SourceState:
            async with TenderBot(settings, fetch_min_delay=0.0) as app:
                return await app.store.sources.load("gg")

        state = asyncio.run(load())
    captured = capsys.readouterr()
    assert "== gg (ggzy): OK" in captured.out and "backoff cleared" in captured.out
    assert "no source named 'nope'" in captured.err and "configured: gg" in captured.err
    assert state.backoff_until is None and state.failures == 0 and state.last_error is None


async def test_an_empty_listing_after_full_ones_is_suspect(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", LIST, EMPTY, headers=JSON, times=3)
    replay.add("POST", LIST, fixture_bytes("ggzy-gettradlist-2026-constructed.json"), headers=JSON)
    replay.add("GET", "/information/deal/html/b/320000/0201/20261122/9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0.html",
               fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
    source = GgzySource(SourceConfig(name="gg", kind="ggzy", options={"base_url": replay.url}))
    quiet = await source.poll(fetcher, SourceState(name="gg", listed=(0, 3)), now=NOW)
    assert quiet.ok and quiet.suspect is None and quiet.state.listed == (0, 3, 0)  # history was not all full
    sparse = await source.poll(fetcher, SourceState(name="gg", listed=(3, 2, 1)), now=NOW)
    assert sparse.ok and sparse.suspect is None  # the last items aged out of the window one by one
    before = SourceState(name="gg", listed=(20, 18, 20), last_success=NOW - timedelta(hours=1))
    result = await source.poll(fetcher, before, now=NOW)
    assert not result.ok and result.suspect and "last polls listed 20, 18, 20" in result.suspect
    assert result.state.last_error and result.state.last_error.startswith("suspect:")
    assert result.state.last_success == before.last_success and result.state.backoff_until is None
    assert result.state.listed == (20, 18, 20)  # the empty count stays out, so it stays suspect ...
    later = NOW + timedelta(minutes=30)
    recovered = await source.poll(fetcher, replace(result.state), now=later)  # ... until items come back
    assert recovered.ok and recovered.suspect is None and recovered.state.listed == (20, 18, 20, 3)
    assert recovered.state.last_error is None and recovered.state.last_success == later


async def test_admins_hear_about_a_suspect_listing(tmp_path: Path) -> None:
    now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    with ReplayServer() as server:
        server.add("POST", LIST, EMPTY, headers=JSON)
        settings = settings_for(tmp_path, sources_yaml(tmp_path / "s.yaml", server.url), None)
        settings = settings.model_copy(update={"admin_chat_ids": "777"})
        async with TenderBot(settings, fetch_min_delay=0.0, clock=lambda: now) as app:
            await app.store.sources.save(SourceState(name="gg", listed=(12, 9, 15)), now)
            (summary,) = await app.poll_once()
            assert summary.status == "suspect" and not summary.ok
            health = await app.store.outbox.for_chat(777, ["health"])
            assert len(health) == 1 and "列表解析为 0 条" in str(health[0].payload)
            assert (await app.store.sources.load("gg")).listed == (12, 9, 15)
