"""A bug while rendering one message is logged with its traceback and retried, never mistaken for "superseded"."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from tenderbot.notify import sender as sender_module
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tests.delivery.support import FakeClock, drain, start_time, telegram_sender, tender
from tests.fake_telegram import FakeTelegram

USER = 31337


async def test_a_render_keyerror_is_logged_with_traceback_and_retried(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    [change] = await store.notices.upsert([tender("t-1", deadline=clock.now() + timedelta(days=9))], clock.now())
    await store.outbox.enqueue([OutboxItem(USER, "alert", "alert:1", change.notice_id)], clock.now())
    real = sender_module.render_alert
    failures = [KeyError("budget"), IndexError("list index out of range")]

    def flaky(*args: Any, **kwargs: Any) -> str:
        if failures:
            raise failures.pop(0)
        return real(*args, **kwargs)

    monkeypatch.setattr(sender_module, "render_alert", flaky)
    async with telegram_sender(store, fake, clock) as sender:
        with caplog.at_level(logging.ERROR, logger="tenderbot.notify.sender"):
            await drain(sender)
        [row] = await store.outbox.for_chat(USER)
        assert (row.state, row.attempts) == ("pending", 1) and "KeyError" in (row.last_error or "")
        [record] = [r for r in caplog.records if r.exc_info]
        assert record.exc_info is not None and record.exc_info[0] is KeyError
        clock.advance(1)  # inside the backoff (2 s after a first failure): nothing is tried
        await drain(sender)
        assert (await store.outbox.for_chat(USER))[0].attempts == 1
        for _ in range(2):
            clock.advance(600)
            await drain(sender)
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.attempts) == ("sent", 3)
    assert len(fake.messages(USER)) == 1


async def test_a_render_bug_that_persists_is_dead_after_max_attempts_with_the_reason(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    [change] = await store.notices.upsert([tender("t-1", deadline=clock.now() + timedelta(days=9))], clock.now())
    await store.outbox.enqueue([OutboxItem(USER, "alert", "alert:1", change.notice_id)], clock.now())

    def broken(*args: Any, **kwargs: Any) -> str:
        raise KeyError("budget")

    monkeypatch.setattr(sender_module, "render_alert", broken)
    async with telegram_sender(store, fake, clock, max_attempts=3) as sender:
        for _ in range(5):
            await drain(sender)
            clock.advance(601)
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.attempts) == ("dead", 3) and "KeyError('budget')" in (row.last_error or "")
    assert fake.messages(USER) == []


async def test_a_notice_that_is_gone_is_superseded_without_retry(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([OutboxItem(USER, "amendment", "amendment:x", None)], clock.now())
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.attempts) == ("dead", 1) and "neither a notice nor a text" in (row.last_error or "")
