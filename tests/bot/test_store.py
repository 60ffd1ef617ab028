"""ChatRepo's additions for the bot (shares, pending actions, imports, alert bookkeeping) on every backend."""

from __future__ import annotations

from datetime import timedelta

from tenderbot.store.chats import NewSubscription
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.pending import PendingAction
from tenderbot.store.repos import Store
from tests.bot.conftest import NOW, tender


async def test_shares_and_pending_actions(store: Store) -> None:
    await store.chats.ensure(1, NOW)
    pending = store.pending
    await pending.create_share("tok", "液相色谱", 1, NOW)
    assert await pending.share("tok") == "液相色谱" and await pending.share("nope") is None
    first = PendingAction("a", 1, "wizard", {"step": 0, "regions": ["江苏"]}, NOW)
    second = PendingAction("b", 1, "edit", {"sub_id": 3}, NOW + timedelta(minutes=1))
    await pending.put(first)
    await pending.put(second)
    assert await pending.get("a") == first
    latest = await pending.latest(1, ("wizard", "edit"))
    assert latest is not None and latest.token == "b"
    await pending.update("a", {"step": 2})
    updated = await pending.get("a")
    assert updated is not None and updated.payload == {"step": 2}
    await pending.drop_kinds(1, ("edit",))
    assert await pending.get("b") is None
    await pending.drop("a")
    assert await pending.latest(1, ("wizard", "edit")) is None
    await pending.put(first)
    assert await pending.purge(NOW) == 0
    assert await pending.purge(NOW + timedelta(seconds=1)) == 1
    assert await pending.get("a") is None


async def test_replace_subscriptions_and_alert_bookkeeping(store: Store) -> None:
    chats = store.chats
    await chats.ensure(1, NOW)
    keep = await chats.add_subscription(1, "彩超", NOW)
    drop = await chats.add_subscription(1, "CT", NOW)
    created = await chats.replace_subscriptions(1, [NewSubscription("质谱", "ms", False, ("某医院",))], [drop.id], NOW)
    subs = await chats.subscriptions(1)
    assert [(s.query, s.active, s.excluded_buyers) for s in subs] == [("彩超", True, ()), ("质谱", False, ("某医院",))]
    assert created[0].id == subs[1].id and subs[0].id == keep.id
    (change,) = await store.notices.upsert([tender("彩超采购")], NOW)
    assert await chats.alert_subscription_ids(1, change.notice_id) is None
    await store.outbox.enqueue(
        [OutboxItem(1, "alert", "a", change.notice_id, subscription_ids=(keep.id, created[0].id))], NOW
    )
    assert await chats.alert_subscription_ids(1, change.notice_id) == (keep.id, created[0].id)
    assert await chats.alerts_sent_since(1, NOW - timedelta(days=7)) == 0
    (delivery,) = await store.outbox.claim(NOW)
    await store.outbox.mark_sent(delivery.id, NOW, 10)
    assert await chats.alerts_sent_since(1, NOW - timedelta(days=7)) == 1
    assert await chats.alerts_sent_since(1, NOW + timedelta(seconds=1)) == 0
    assert await chats.follow_count(1) == 0
    await chats.follow(1, change.project_id or 0, change.notice_id, NOW)
    assert await chats.follow_count(1) == 1
