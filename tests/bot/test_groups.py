"""Groups: only admins change things (anonymous admins too); the bot removed or blocked → the chat goes quiet."""

from __future__ import annotations

from tenderbot.bot.common import ANONYMOUS_ADMIN_BOT
from tenderbot.store.outbox import OutboxItem
from tests.bot.conftest import GROUP, NOW, OTHER, USER, Harness, tender


async def test_group_admin_subscribes_for_the_group_and_a_member_is_refused(harness: Harness) -> None:
    harness.fake.set_chat_admins(GROUP, [USER])
    await harness.command(GROUP, "/sub 液相色谱", user=USER)
    assert "已订阅 #1" in harness.last_text(GROUP)
    (sub,) = await harness.store.chats.subscriptions(GROUP)
    assert sub.chat_id == GROUP  # alerts go to the group
    chat = await harness.store.chats.get(GROUP)
    assert chat is not None and chat.is_group
    for command in ("/sub 彩超", "/unsub 1", "/pause", "/digest 08:00", "/settings tz UTC"):
        await harness.command(GROUP, command, user=OTHER)
        assert harness.last_text(GROUP) == "只有本群管理员可以修改本群的订阅和设置。", command
    assert [s.query for s in await harness.store.chats.subscriptions(GROUP)] == ["液相色谱"]
    assert [s.active for s in await harness.store.chats.subscriptions(GROUP)] == [True]
    group = await harness.store.chats.get(GROUP)
    assert group is not None and group.digest_time is None and group.timezone == "Asia/Shanghai"
    # Anyone may read the list, but its buttons refuse non-admins.
    await harness.command(GROUP, "/list", user=OTHER)
    assert "液相色谱" in harness.last_text(GROUP)
    await harness.press(GROUP, f"s:d:{sub.id}:0", user=OTHER)
    assert harness.answers()[-1] == "只有本群管理员可以修改本群的订阅和设置。"
    await harness.press(GROUP, f"s:p:{sub.id}:0", user=USER)
    assert [s.active for s in await harness.store.chats.subscriptions(GROUP)] == [False]


async def test_group_creator_and_english_refusal(harness: Harness) -> None:
    harness.fake.set_chat_admins(GROUP, [], creator=OTHER)
    await harness.command(GROUP, "/sub 彩超", user=OTHER)
    assert "已订阅" in harness.last_text(GROUP)
    await harness.command(GROUP, "/unsub 1", user=USER, language_code="en")
    assert harness.last_text(GROUP) == "Only this group's admins can change its subscriptions and settings."


async def test_anonymous_admin_posting_as_the_group_counts_as_admin(harness: Harness) -> None:
    update = harness.fake.command(GROUP, ANONYMOUS_ADMIN_BOT, "/sub 质谱仪", chat_type="supergroup")
    update["message"]["sender_chat"] = {"id": GROUP, "type": "supergroup", "title": "Lab buyers"}
    await harness.send(update)
    assert "已订阅" in harness.last_text(GROUP)
    # The same GroupAnonymousBot without sender_chat (forged) is not an admin.
    await harness.send(harness.fake.command(GROUP, ANONYMOUS_ADMIN_BOT, "/unsub 1", chat_type="supergroup"))
    assert "只有本群管理员" in harness.last_text(GROUP)
    assert len(await harness.store.chats.subscriptions(GROUP)) == 1


async def test_kicked_from_group_deactivates_and_readding_reactivates(harness: Harness) -> None:
    harness.fake.set_chat_admins(GROUP, [USER])
    await harness.command(GROUP, "/sub 液相色谱", user=USER)
    notice = tender("液相色谱仪采购")
    await harness.store.notices.upsert([notice], NOW)
    await harness.index.refresh()
    assert [m.subscription.chat_id for m in harness.index.match(notice)] == [GROUP]
    await harness.store.outbox.enqueue([OutboxItem(GROUP, "broadcast", "k1", payload={"text": "hi"})], NOW)
    await harness.send(harness.fake.my_chat_member(GROUP, "kicked", USER))
    chat = await harness.store.chats.get(GROUP)
    assert chat is not None and not chat.active
    assert (await harness.store.outbox.counts(GROUP)).get("pending", 0) == 0
    await harness.index.refresh()
    assert harness.index.match(notice) == []
    await harness.send(harness.fake.my_chat_member(GROUP, "member", USER))
    chat = await harness.store.chats.get(GROUP)
    assert chat is not None and chat.active
    await harness.index.refresh()
    assert [m.subscription.chat_id for m in harness.index.match(notice)] == [GROUP]
    await harness.send(harness.fake.my_chat_member(GROUP, "left", USER))
    chat = await harness.store.chats.get(GROUP)
    assert chat is not None and not chat.active


async def test_user_who_blocked_the_bot_gets_no_alerts_until_they_come_back(harness: Harness) -> None:
    await harness.command(USER, "/sub 彩超")
    notice = tender("彩超采购项目")
    await harness.index.refresh()
    assert len(harness.index.match(notice)) == 1
    await harness.send(harness.fake.my_chat_member(USER, "kicked"))
    chat = await harness.store.chats.get(USER)
    assert chat is not None and not chat.active
    await harness.index.refresh()
    assert harness.index.match(notice) == []
    # Unknown chats that block the bot are not created.
    await harness.send(harness.fake.my_chat_member(777, "kicked"))
    assert await harness.store.chats.get(777) is None
    # Talking to the bot again reactivates the chat.
    await harness.send(harness.fake.my_chat_member(USER, "member"))
    await harness.command(USER, "/list")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.active
    await harness.index.refresh()
    assert len(harness.index.match(notice)) == 1


async def test_group_upgraded_to_supergroup_keeps_its_subscriptions(harness: Harness) -> None:
    small, big = -4001, -1004001
    harness.fake.set_chat_admins(small, [USER])
    await harness.command(small, "/sub 彩超", user=USER, chat_type="group")
    update = harness.fake.message(small, USER, "x", chat_type="group")
    message = update["message"]
    del message["text"]
    message["migrate_to_chat_id"] = big
    await harness.send(update)
    assert await harness.store.chats.get(small) is None
    assert [s.query for s in await harness.store.chats.subscriptions(big)] == ["彩超"]
    await harness.index.refresh()
    assert [m.subscription.chat_id for m in harness.index.match(tender("彩超采购"))] == [big]


async def test_a_member_cannot_press_the_admins_undo_and_a_malformed_one_is_stale(harness: Harness) -> None:
    harness.fake.set_chat_admins(GROUP, [USER])
    await harness.command(GROUP, "/sub 液相色谱", user=USER)
    await harness.command(GROUP, "/unsub 1", user=USER)
    deleted = harness.last(GROUP)
    (undo,) = [b for b in harness.buttons(GROUP) if b.startswith("u:")]
    await harness.press(GROUP, undo, user=OTHER, message_id=deleted["message_id"])
    assert harness.answers()[-1] == "只有本群管理员可以修改本群的订阅和设置。"
    assert await harness.store.chats.subscriptions(GROUP) == []
    await harness.press(GROUP, f"{undo}:extra", user=USER, message_id=deleted["message_id"], check_button=False)
    assert "已失效" in harness.answers()[-1]
    assert await harness.store.chats.subscriptions(GROUP) == []
    # The refused press left the action in place: the admin's own press still restores #1.
    await harness.press(GROUP, undo, user=USER, message_id=deleted["message_id"])
    assert [s.number for s in await harness.store.chats.subscriptions(GROUP)] == [1]
