"""Lifecycle: a failed start closes what it opened, in reverse; jobs let cancellation through; tracebacks kept."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest

from tenderbot.app import TenderBot
from tenderbot.bot.handlers import BotDeps, install
from tenderbot.errors import StartupError
from tenderbot.jobs import (
    SCHEDULER_EXECUTOR_LOGGER,
    _housekeeping,
    _poll_and_wake,
    _tick_and_wake,
    quiet_cancelled_jobs,
)
from tests.e2e_support import settings_for
from tests.fake_telegram import FakeTelegram
from tests.waiting import wait_for


async def test_a_failed_start_closes_what_it_opened_in_reverse_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[tuple[str, int]] = []
    real_dispose, real_aclose, real_shutdown = AsyncEngine.dispose, httpx.AsyncClient.aclose, HTTPXRequest.shutdown

    async def dispose(engine: AsyncEngine, close: bool = True) -> None:
        closed.append(("engine", id(engine)))
        await real_dispose(engine, close)

    async def aclose(client: httpx.AsyncClient) -> None:
        if not client.is_closed:
            closed.append(("http", id(client)))
        await real_aclose(client)

    async def shutdown(request: HTTPXRequest) -> None:
        closed.append(("bot", id(request)))
        await real_shutdown(request)

    monkeypatch.setattr(AsyncEngine, "dispose", dispose)
    monkeypatch.setattr(httpx.AsyncClient, "aclose", aclose)
    monkeypatch.setattr(HTTPXRequest, "shutdown", shutdown)
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    fake = FakeTelegram()
    settings = settings_for(tmp_path, tmp_path / "sources.yaml", "http://127.0.0.1:9")
    settings = settings.model_copy(update={"telegram_token": SecretStr("654321:not-the-fakes-token")})
    app = TenderBot(settings, transport=fake.transport())
    with pytest.raises(StartupError, match="rejected the bot token"):
        await app.__aenter__()  # the database and the HTTP client are open when getMe answers 401
    assert app.http.is_closed
    # The bot's two request objects, then the shared HTTP client, then the database: the reverse of opening.
    order = [what for what, ident in closed if what != "http" or ident == id(app.http)]
    assert order == ["bot", "bot", "http", "engine"]


async def test_jobs_let_cancellation_through() -> None:
    started = asyncio.Event()

    async def slow_tick() -> int:
        started.set()
        await asyncio.sleep(30)
        return 0

    sender: Any = SimpleNamespace(wakeup=asyncio.Event())
    task = asyncio.create_task(_tick_and_wake("digest", slow_tick, sender))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()

    async def slow_poll(source: object) -> None:
        await asyncio.sleep(30)

    pipeline: Any = SimpleNamespace(poll=slow_poll)
    source: Any = SimpleNamespace(name="slow-portal")
    # asyncio.timeout() only works when the cancellation it sends comes back out.
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await _poll_and_wake(pipeline, sender, source)

    async def slow_purge(before: datetime) -> int:
        await asyncio.sleep(30)
        return 0

    slow_store: Any = SimpleNamespace(outbox=SimpleNamespace(purge_settled=slow_purge))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await _housekeeping(SimpleNamespace(store=slow_store), lambda: datetime.now(UTC))  # type: ignore[arg-type]


async def test_a_job_cancelled_at_shutdown_is_not_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> None:
    quiet_cancelled_jobs()
    started = asyncio.Event()

    async def slow_tick() -> int:
        started.set()
        await asyncio.sleep(30)
        return 0

    sender: Any = SimpleNamespace(wakeup=asyncio.Event())
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(_tick_and_wake, "date", args=("digest", slow_tick, sender), run_date=datetime.now(UTC))
    with caplog.at_level(logging.INFO):
        scheduler.start()
        await asyncio.wait_for(started.wait(), 10)
        scheduler.shutdown(wait=False)  # cancels the running job
        await wait_for(lambda: "digest tick stopped by shutdown" in caplog.text, 5, "the job to stop")
        await asyncio.sleep(0)  # let APScheduler's executor finish the cancelled job
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == SCHEDULER_EXECUTOR_LOGGER]
    assert errors == []


async def test_the_bot_error_handler_logs_the_traceback(caplog: pytest.LogCaptureFixture) -> None:
    application = ApplicationBuilder().token("123456:TEST-fake-token").build()
    unused: Any = None  # the error handler needs no store
    install(application, BotDeps(unused, unused, lambda: datetime.now(UTC), frozenset()))
    (handler,) = application.error_handlers

    def render() -> None:
        {"title": "x"}["budget"]  # a render bug

    try:
        render()
    except KeyError as exc:
        error = exc
    context: Any = SimpleNamespace(error=error)
    await handler(None, context)
    (record,) = [r for r in caplog.records if "while handling an update" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[1] is error
    assert "in render" in caplog.text  # the frame where it happened


async def test_stop_waits_for_a_cancelled_poll_before_closing_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_dispose = AsyncEngine.dispose

    async def dispose(engine: AsyncEngine, close: bool = True) -> None:
        events.append("database closed")
        await real_dispose(engine, close)

    monkeypatch.setattr(AsyncEngine, "dispose", dispose)
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - name: slow-portal\n    kind: feed\n    options:\n      url: http://127.0.0.1:9/feed.xml\n",
        encoding="utf-8",
    )
    polling = asyncio.Event()

    async def slow_poll(source: object, **options: object) -> None:
        polling.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            await asyncio.sleep(0.2)  # a rollback takes a moment
            events.append("poll rolled back")
            raise

    stop = asyncio.Event()
    async with TenderBot(settings_for(tmp_path, tmp_path / "sources.yaml", None)) as app:
        monkeypatch.setattr(app.pipeline, "poll", slow_poll)
        running = asyncio.create_task(app.run(stop))
        await asyncio.wait_for(polling.wait(), 15)  # the first poll starts ~1 s after start
        stop.set()
        await asyncio.wait_for(running, 15)
    assert events == ["poll rolled back", "database closed"]
