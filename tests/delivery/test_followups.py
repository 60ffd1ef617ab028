"""Amendments, results and terminations arrive as replies to the original alert, saying what changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tenderbot.models import Award, Money, NoticeType
from tenderbot.pipeline import Pipeline
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex
from tests.delivery.support import BJ, FakeClock, amended, drain, start_time, telegram_sender, tender
from tests.fake_telegram import FakeTelegram

USER = 777


def pipeline_for(store: Store, clock: FakeClock) -> Pipeline:
    """The real pipeline's queueing step (no fetching happens in these tests)."""
    fetcher: Any = None
    return Pipeline(store, fetcher, SubscriptionIndex(store.chats), clock=clock.now)


async def test_amendment_and_termination_reply_to_the_alert_with_old_and_new(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    pipeline = pipeline_for(store, clock)
    await store.chats.ensure(USER, clock.now())
    await store.chats.add_subscription(USER, "液相色谱", clock.now())
    old_deadline = (clock.now() + timedelta(days=20)).astimezone(BJ).replace(hour=9, minute=30)
    new_deadline = old_deadline + timedelta(days=5)
    original = tender("t-1", deadline=old_deadline)
    async with telegram_sender(store, fake, clock) as sender:
        await pipeline.queue_for(await store.notices.upsert([original], clock.now()), clock.now())
        await drain(sender)
        [alert] = fake.messages(USER)
        clock.advance(3600)
        changes = await store.notices.upsert([amended(original, deadline=new_deadline)], clock.now())
        assert await pipeline.queue_for(changes, clock.now()) == 1
        await drain(sender)
        clock.advance(3600)
        termination = tender("t-2", title="示例医院液相色谱仪采购项目终止公告", notice_type=NoticeType.TERMINATION)
        assert await pipeline.queue_for(await store.notices.upsert([termination], clock.now()), clock.now()) == 1
        await drain(sender)
    _, amendment, terminated = fake.messages(USER)
    assert amendment["reply_to_message_id"] == alert["message_id"]
    assert terminated["reply_to_message_id"] == alert["message_id"]
    text = str(amendment["text"])
    assert f"{old_deadline:%Y-%m-%d %H:%M}" in text and f"{new_deadline:%Y-%m-%d %H:%M}" in text
    assert text.index(f"{old_deadline:%Y-%m-%d}") < text.index("→") < text.index(f"{new_deadline:%Y-%m-%d}")
    assert "终止" in str(terminated["text"])


async def test_result_names_the_supplier_and_amount_in_reply(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    pipeline = pipeline_for(store, clock)
    await store.chats.ensure(USER, clock.now())
    await store.chats.add_subscription(USER, "液相色谱", clock.now())
    async with telegram_sender(store, fake, clock) as sender:
        original = tender("t-1", deadline=clock.now() + timedelta(days=10))
        await pipeline.queue_for(await store.notices.upsert([original], clock.now()), clock.now())
        await drain(sender)
        award = Award(supplier="某某科技有限公司", amount=Money(Decimal("1180000")))
        title = "示例医院液相色谱仪采购项目中标结果公告"
        result = tender("t-3", title=title, notice_type=NoticeType.AWARD, award=award)
        await pipeline.queue_for(await store.notices.upsert([result], clock.now()), clock.now())
        await drain(sender)
    alert, reply = fake.messages(USER)
    assert reply["reply_to_message_id"] == alert["message_id"]
    assert "某某科技有限公司" in str(reply["text"]) and "118万元" in str(reply["text"])


async def test_follow_up_waits_for_its_alert_to_be_sent_first(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    pipeline = pipeline_for(store, clock)
    await store.chats.ensure(USER, clock.now())
    await store.chats.add_subscription(USER, "液相色谱", clock.now())
    original = tender("t-1", deadline=clock.now() + timedelta(days=20))
    await pipeline.queue_for(await store.notices.upsert([original], clock.now()), clock.now())
    changed = amended(original, deadline=clock.now() + timedelta(days=30))
    await pipeline.queue_for(await store.notices.upsert([changed], clock.now()), clock.now())
    fake.fail_next("sendMessage", 502, "Bad Gateway")  # the alert fails once, the amendment is due already
    async with telegram_sender(store, fake, clock) as sender:
        for _ in range(6):
            await drain(sender)
            clock.advance(5)
    alert, amendment = fake.messages(USER)
    assert "f:" in str(alert.get("reply_markup"))  # the alert came first, then the reply to it
    assert amendment["reply_to_message_id"] == alert["message_id"]
