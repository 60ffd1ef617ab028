"""Issue 16: one busy group must not stall every user; one chat's updates still run in order."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from tenderbot.bot.handlers import BotDeps, install
from tenderbot.bot.lanes import ChatLanes
from tests.bot.conftest import GROUP, OTHER, USER, Harness


@pytest.fixture
async def polling_app(harness: Harness) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The application as TenderBot.start_bot builds it (rate limiter, chat lanes), running, fed by its queue."""
    request = HTTPXRequest(connection_pool_size=8, httpx_kwargs={"transport": harness.fake.transport()})
    app = (
        ApplicationBuilder()
        .token(harness.fake.token)
        .request(request)
        .updater(None)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(ChatLanes())
        .build()
    )
    install(app, BotDeps(harness.store, harness.index, harness.clock, harness.admins))
    await app.initialize()
    await app.start()
    try:
        yield app
    finally:
        await app.stop()
        await app.shutdown()


def feed(app: Application, update: dict[str, Any]) -> None:  # type: ignore[type-arg]
    """Queue an update as the poller would."""
    app.update_queue.put_nowait(Update.de_json(update, app.bot))


async def test_a_flooded_group_does_not_delay_a_private_chat(harness: Harness, polling_app: Application) -> None:  # type: ignore[type-arg]
    for _ in range(45):
        feed(polling_app, harness.fake.command(GROUP, OTHER, "/help", chat_type="supergroup"))
    # The group's first 20 answers go out at once; the other 25 wait for the group's minute.
    await harness.fake.wait_for(lambda: len(harness.fake.messages(GROUP)) >= 20, timeout=10)
    started = time.monotonic()
    feed(polling_app, harness.fake.command(USER, USER, "/help"))
    await harness.fake.wait_for(lambda: harness.fake.messages(USER), timeout=3)
    assert time.monotonic() - started < 2.0
    assert len(harness.fake.messages(GROUP)) < 45  # the group is still waiting: it did not get ahead by luck


async def test_one_chats_updates_run_in_arrival_order(harness: Harness, polling_app: Application) -> None:  # type: ignore[type-arg]
    # Sent back to back: each must see what the one before it saved.
    for text in ("/sub 液相色谱", "/sub 彩超", "/unsub 1", "/pause 2", "/list"):
        feed(polling_app, harness.fake.command(USER, USER, text))
    await harness.fake.wait_for(lambda: len(harness.fake.messages(USER)) >= 5, timeout=10)
    texts = [str(m.get("text")) for m in harness.fake.messages(USER)]
    assert "已订阅 #1" in texts[0] and "已订阅 #2" in texts[1] and "已删除 #1" in texts[2]
    assert "已暂停 #2" in texts[3] and "2. 彩超（已暂停）" in texts[4]
