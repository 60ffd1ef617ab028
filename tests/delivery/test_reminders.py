"""Deadline reminders for followed tenders: T-3 and T-1, following amended deadlines, cancelled by termination."""

from __future__ import annotations

from datetime import timedelta

from tenderbot.delivery.reminders import ReminderService
from tenderbot.models import NoticeType
from tenderbot.store.repos import Store
from tests.delivery.support import BJ, FakeClock, amended, drain, start_time, telegram_sender, tender
from tests.fake_telegram import FakeTelegram

CHAT = 3131


async def _followed(store: Store, clock: FakeClock, days: int = 10) -> tuple[int, object]:
    original = tender("t-1", deadline=clock.now() + timedelta(days=days))
    [change] = await store.notices.upsert([original], clock.now())
    await store.chats.ensure(CHAT, clock.now())
    assert change.project_id is not None
    await store.chats.follow(CHAT, change.project_id, change.notice_id, clock.now())
    return change.project_id, original


async def test_three_and_one_day_reminders_follow_an_amended_deadline(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    _, original = await _followed(store, clock)
    reminders = ReminderService(store, clock=clock.now)
    deadline = clock.now() + timedelta(days=10)
    clock.advance((7 * 24 - 1) * 3600)  # 3 days and 1 hour before
    assert await reminders.tick() == 0
    clock.advance(3600 + 60)
    assert await reminders.tick() == 1
    assert await reminders.tick() == 0  # never twice for the same deadline and offset
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
        [first] = fake.messages(CHAT)
        assert "截止提醒" in str(first["text"]) and f"{deadline.astimezone(BJ):%Y-%m-%d %H:%M}" in str(first["text"])
        # The buyer moves the deadline four days later.
        new_deadline = deadline + timedelta(days=4)
        await store.notices.upsert([amended(original, deadline=new_deadline)], clock.now())  # type: ignore[arg-type]
        clock.advance(2 * 86400)  # the old T-1 moment: nothing, the tender now closes later
        assert await reminders.tick() == 0
        clock.advance(2 * 86400)  # new deadline in 3 days less a minute
        assert await reminders.tick() == 1
        await drain(sender)
        clock.advance(2 * 86400)  # new deadline in 1 day less a minute
        assert await reminders.tick() == 1
        await drain(sender)
    texts = [str(m["text"]) for m in fake.messages(CHAT)]
    assert len(texts) == 3
    assert all(f"{new_deadline.astimezone(BJ):%Y-%m-%d %H:%M}" in t for t in texts[1:])
    assert "还剩3天" in texts[1] and "还剩1天" in texts[2]


async def test_reminder_queued_before_an_amendment_is_not_sent_with_the_stale_deadline(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    _, original = await _followed(store, clock, days=2)
    assert await ReminderService(store, clock=clock.now).tick() == 1
    later = clock.now() + timedelta(days=9)
    await store.notices.upsert([amended(original, deadline=later)], clock.now())  # type: ignore[arg-type]
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    assert fake.messages(CHAT) == []
    [row] = await store.outbox.for_chat(CHAT)
    assert row.state == "dead" and "superseded" in (row.last_error or "")


async def test_termination_cancels_reminders(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await _followed(store, clock, days=2)
    reminders = ReminderService(store, clock=clock.now)
    assert await reminders.tick() == 1
    termination = tender("t-9", title="示例医院液相色谱仪采购项目终止公告", notice_type=NoticeType.TERMINATION)
    await store.notices.upsert([termination], clock.now())
    clock.advance(86400 + 60)
    assert await reminders.tick() == 0
    assert await store.outbox.counts(CHAT) == {"dead": 1}
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    assert fake.messages(CHAT) == []
