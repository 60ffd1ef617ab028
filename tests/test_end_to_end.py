"""The main job end to end, offline: replayed portal pages in, one Telegram alert out, never twice."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tenderbot.app import TenderBot
from tests.e2e_support import PortalWorld, settings_for
from tests.fake_telegram import FakeTelegram
from tests.replay_server import ReplayServer

USER = 4242


def alerts(fake: FakeTelegram) -> list[dict[str, object]]:
    """Alert messages the bot sent to the user (they carry the alert buttons)."""
    return [m for m in fake.sent("sendMessage", chat_id=USER) if "f:" in str(m.get("reply_markup", ""))]


def delivered(fake: FakeTelegram) -> list[dict[str, object]]:
    """Alerts the fake accepted (failed attempts excluded)."""
    return [m for m in fake.messages(USER) if "f:" in str(m.get("reply_markup", ""))]


async def test_subscribe_poll_alert_once_across_polls_and_restart(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with ReplayServer() as server, FakeTelegram.serving() as fake:
        world = PortalWorld(server, now)
        settings = settings_for(tmp_path, world.write_sources(tmp_path / "sources.yaml"), fake.server_url)
        async with TenderBot(settings, fetch_min_delay=0.0) as app:
            await app.start_bot()
            fake.push_update(fake.command(USER, USER, "/start"))
            fake.push_update(fake.command(USER, USER, "/sub 液相色谱"))
            await fake.wait_for(lambda: any("已订阅" in str(m["text"]) for m in fake.sent("sendMessage", USER)))
            world.publish()
            summaries = await app.poll_once()
            assert [(s.ok, s.found, s.new) for s in summaries] == [(True, 3, 3)]
            await app.drain()
            sent = alerts(fake)
            assert len(sent) == 1
            text = str(sent[0]["text"])
            assert "示例市第一人民医院高效液相色谱仪采购项目公开招标公告" in text
            assert "128.5万元" in text
            assert f"{world.deadline:%Y-%m-%d %H:%M}" in text
            assert "液相色谱" in text  # why it matched
            # A second poll finds nothing new and sends nothing.
            await app.poll_once()
            await app.drain()
            assert len(alerts(fake)) == 1
        # A restart over the same database resumes: nothing is sent twice.
        async with TenderBot(settings, fetch_min_delay=0.0) as app:
            await app.poll_once()
            await app.drain()
        assert len(alerts(fake)) == 1
        assert "setMyCommands" in fake.calls


async def test_console_mode_prints_alerts_for_the_default_watch_list(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    out = io.StringIO()
    with ReplayServer() as server:
        world = PortalWorld(server, now)
        world.publish()
        settings = settings_for(tmp_path, world.write_sources(tmp_path / "sources.yaml"), None)
        async with TenderBot(settings, fetch_min_delay=0.0, console_stream=out) as app:
            await app.poll_once()
        printed = out.getvalue()
        assert "高效液相色谱仪" in printed
        assert "128.5万元" in printed
        assert "锅炉用煤" not in printed  # coal for a hospital boiler is neither instrument nor medical
        async with TenderBot(settings, fetch_min_delay=0.0, console_stream=out) as app:
            await app.poll_once()
        assert out.getvalue() == printed  # printed once, not again after a restart


async def test_unreachable_source_is_one_clear_line_and_the_job_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: dead-feed\n    kind: feed\n    options:\n      url: http://127.0.0.1:9/feed.xml\n",
        encoding="utf-8",
    )
    settings = settings_for(tmp_path, sources, None)
    async with TenderBot(settings, fetch_min_delay=0.0, fetch_backoff=0.01) as app:
        summaries = await app.poll_once()
        assert [s.ok for s in summaries] == [False]
        state = await app.store.sources.load("dead-feed")
        assert state.failures == 1 and state.backoff_until is not None
    lines = [r for r in caplog.records if "dead-feed" in r.getMessage() and "unreachable" in r.getMessage()]
    assert len(lines) == 1
    assert not any(r.exc_info for r in caplog.records)
    await asyncio.sleep(0)


async def test_malformed_page_and_telegram_error_are_logged_once_and_the_job_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = [datetime.now(UTC)]
    with ReplayServer() as server, FakeTelegram.serving() as fake:
        # Registered first, so it wins: one of the feed's pages is binary garbage.
        server.add(
            "GET",
            "/notice/hebei-coal.html",
            b"\x00\x01\x02PK\x03\x04" * 200,
            headers={"Content-Type": "application/octet-stream"},
        )
        world = PortalWorld(server, clock[0])
        settings = settings_for(tmp_path, world.write_sources(tmp_path / "sources.yaml"), fake.server_url)
        async with TenderBot(settings, fetch_min_delay=0.0, clock=lambda: clock[0]) as app:
            await app.start_bot()
            fake.push_update(fake.command(USER, USER, "/sub 液相色谱"))
            await fake.wait_for(lambda: any("已订阅" in str(m["text"]) for m in fake.sent("sendMessage", USER)))
            world.publish()
            fake.fail_next("sendMessage", 502, "Bad Gateway", chat_id=USER)
            summaries = await app.poll_once()
            assert [(s.ok, s.found, s.new) for s in summaries] == [(True, 2, 2)]  # the garbage page is skipped
            await app.drain()
            assert delivered(fake) == []  # the 502 was not lost: the row waits for its retry
            clock[0] += timedelta(minutes=1)
            await app.drain()
            assert len(delivered(fake)) == 1
            await app.poll_once()  # the job keeps going; the bad page is retried, not fatal
    garbage = [r for r in caplog.records if "hebei-coal" in r.getMessage()]
    assert len(garbage) == 2 and all("binary" in r.getMessage() for r in garbage)  # once per poll
    sends = [r for r in caplog.records if "send failed" in r.getMessage()]
    assert len(sends) == 1
    assert not any(r.exc_info for r in caplog.records if r.name.startswith("tenderbot"))
