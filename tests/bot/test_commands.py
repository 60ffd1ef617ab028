"""Commands in a private chat: /start, /help, /sub (preview, errors), /list pages and buttons, /unsub, /pause."""

from __future__ import annotations

from datetime import timedelta

from telegram import BotCommandScopeChat

from tenderbot.models import NoticeType
from tests.bot.conftest import ADMIN, NOW, USER, Harness, tender


async def test_menus_are_published_per_language_and_a_shorter_one_per_admin(harness: Harness) -> None:
    fake = harness.fake
    zh = [c["command"] for c in fake.commands()]
    en = fake.commands(language_code="en")
    assert {"sub", "list", "unsub", "pause", "resume", "digest", "settings", "status", "export", "import"} <= set(zh)
    assert "stats" not in zh and "broadcast" not in zh
    assert [c["command"] for c in en] == zh
    assert en[0]["description"].startswith("Subscribe") and fake.commands()[0]["description"].startswith("新建")
    scope = BotCommandScopeChat(ADMIN).to_dict()
    admin = [c["command"] for c in fake.commands(scope)]
    assert {"stats", "broadcast", "sources"} <= set(admin) and len(admin) < len(zh)
    assert fake.commands(scope, "en")[3]["description"].startswith("Stats")


async def test_start_and_help_speak_chinese_by_default_and_english_to_english_clients(harness: Harness) -> None:
    await harness.command(USER, "/start")
    assert "仪器与医疗设备招标提醒" in harness.last_text(USER)
    assert (await harness.store.chats.get(USER)) is not None
    await harness.command(USER, "/help", language_code="en-US")
    assert "instrument and medical-equipment tender alerts" in harness.last_text(USER)


async def test_sub_saves_at_once_and_previews_the_best_three_of_last_week(harness: Harness) -> None:
    notices = harness.store.notices
    soon, later = NOW + timedelta(days=3), NOW + timedelta(days=20)
    batch = [
        tender("液相色谱仪采购（已截止）", source_id="a", deadline=NOW - timedelta(days=1), published=NOW),
        tender("液相色谱仪采购（较远）", source_id="b", deadline=later, published=NOW - timedelta(days=2)),
        tender("液相色谱仪采购（最近）", source_id="c", deadline=soon, published=NOW - timedelta(days=3)),
        tender("液相色谱仪结果公告", source_id="d", notice_type=NoticeType.AWARD, published=NOW),
        tender("液相色谱仪采购意向", source_id="e", notice_type=NoticeType.INTENTION, published=NOW),
        tender("锅炉用煤采购", source_id="f", deadline=soon),
    ]
    await notices.upsert(batch, NOW - timedelta(hours=1))
    await harness.command(USER, "/sub 液相色谱")
    text = harness.last_text(USER)
    assert "已订阅 #1" in text
    # The award is a follow-up (not alerted without 类型:结果) and coal does not match: 4 notices.
    assert "过去 7 天匹配 4 条公告" in text
    best = [line for line in text.splitlines() if line.startswith("•")]
    assert len(best) == 3
    assert "（最近）" in best[0] and "还剩3天" in best[0]
    assert "（较远）" in best[1]
    assert "已截止" in best[2] or "意向" in best[2]  # closed ones come after every open tender
    subs = await harness.store.chats.subscriptions(USER)
    assert [s.query for s in subs] == ["液相色谱"]
    assert len(harness.index) == 1  # the live matcher knows it at once


async def test_malformed_query_gets_the_precise_error_and_nothing_is_saved(harness: Harness) -> None:
    await harness.command(USER, '/sub 液相 "色谱 地区:火星')
    text = harness.last_text(USER)
    assert text.startswith("❌ 未保存：") and "引号没有结束" in text
    await harness.command(USER, "/sub 液相色谱 地区:火星", language_code="en")
    assert harness.last_text(USER).startswith("❌ Not saved:") and "火星" in harness.last_text(USER)
    assert await harness.store.chats.subscriptions(USER) == []
    assert len(harness.index) == 0


async def test_duplicate_subscription_is_not_saved_twice(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱 质谱")
    await harness.command(USER, "/sub 液相色谱   质谱")
    assert "已经有了：#1" in harness.last_text(USER)
    assert len(await harness.store.chats.subscriptions(USER)) == 1


async def test_list_pages_five_at_a_time_and_prev_next_edit_the_same_message(harness: Harness) -> None:
    for n in range(12):
        await harness.command(USER, f"/sub 仪器{n}号")
    await harness.command(USER, "/list")
    listing = harness.last(USER)
    assert "第 1/3 页，共 12 个" in listing["text"] and "5. " in listing["text"] and "6. " not in listing["text"]
    assert "l:1" in harness.buttons(USER) and not any(b.startswith("l:0") for b in harness.buttons(USER))
    await harness.press(USER, "l:1")
    edited = harness.fake.messages(USER)[-1]
    assert edited["message_id"] == listing["message_id"]
    assert "第 2/3 页" in edited["text"] and "6. " in edited["text"] and "10. " in edited["text"]
    assert {"l:0", "l:2"} <= set(harness.buttons(USER))
    await harness.press(USER, "l:2")
    assert "11. " in harness.last_text(USER) and "12. " in harness.last_text(USER)


async def test_list_buttons_pause_resume_delete_and_edit(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, "/sub 彩超")
    sub1, sub2 = await harness.store.chats.subscriptions(USER)
    await harness.command(USER, "/list")
    await harness.press(USER, f"s:p:{sub1.id}:0")
    assert not (await harness.store.chats.subscription(sub1.id)).active  # type: ignore[union-attr]
    assert "（已暂停）" in harness.last_text(USER) and len(harness.index) == 1
    await harness.press(USER, f"s:p:{sub1.id}:0")
    assert (await harness.store.chats.subscription(sub1.id)).active  # type: ignore[union-attr]
    assert len(harness.index) == 2
    # Delete asks first, then deletes.
    await harness.press(USER, f"s:d:{sub2.id}:0")
    assert "删除订阅 #2？" in harness.last_text(USER)
    await harness.press(USER, f"s:D:{sub2.id}:0")
    assert [s.id for s in await harness.store.chats.subscriptions(USER)] == [sub1.id]
    assert len(harness.index) == 1
    # Edit: the bot asks for a reply; a malformed one changes nothing, a good one replaces the query.
    await harness.command(USER, "/list")
    await harness.press(USER, f"s:e:{sub1.id}:0")
    prompt = harness.last(USER)
    assert "新查询" in prompt["text"]
    await harness.text(USER, "-维修", reply_to=prompt["message_id"])
    assert "只有排除词" in harness.last_text(USER)
    assert (await harness.store.chats.subscription(sub1.id)).query == "液相色谱"  # type: ignore[union-attr]
    await harness.text(USER, "液相色谱 质谱 -维修", reply_to=prompt["message_id"])
    assert "已修改 #1" in harness.last_text(USER)
    assert (await harness.store.chats.subscription(sub1.id)).query == "液相色谱 质谱 -维修"  # type: ignore[union-attr]
    # The edit is finished: later chatter is ignored.
    before = len(harness.fake.messages(USER))
    await harness.text(USER, "谢谢")
    assert len(harness.fake.messages(USER)) == before


async def test_stale_list_buttons_answer_politely(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    (sub,) = await harness.store.chats.subscriptions(USER)
    await harness.command(USER, "/list")
    listing = harness.last(USER)
    await harness.command(USER, "/unsub 1")
    await harness.press(USER, f"s:p:{sub.id}:0", message_id=listing["message_id"])
    assert harness.answers()[-1] == "这个订阅已经删除了。"
    await harness.press(USER, "zz:what", message_id=listing["message_id"], check_button=False)
    assert "已失效" in harness.answers()[-1]
    await harness.press(USER, "s:p:abc", message_id=listing["message_id"], check_button=False)
    assert "已失效" in harness.answers()[-1]
    assert await harness.store.chats.subscriptions(USER) == []


async def test_unsub_pause_resume_by_number_and_all(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, "/sub 彩超")
    await harness.command(USER, "/unsub 7")
    assert "现有：1、2" in harness.last_text(USER)
    await harness.command(USER, "/pause 2")
    assert [s.active for s in await harness.store.chats.subscriptions(USER)] == [True, False]
    assert len(harness.index) == 1
    await harness.command(USER, "/pause")
    assert [s.active for s in await harness.store.chats.subscriptions(USER)] == [False, False]
    assert len(harness.index) == 0
    await harness.command(USER, "/resume")
    assert [s.active for s in await harness.store.chats.subscriptions(USER)] == [True, True]
    assert len(harness.index) == 2
    await harness.command(USER, "/unsub 1")
    assert "已删除 #1" in harness.last_text(USER)
    assert [s.query for s in await harness.store.chats.subscriptions(USER)] == ["彩超"]
    assert len(harness.index) == 1


async def test_editing_into_an_existing_query_is_refused(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, "/sub 彩超")
    sub1, _ = await harness.store.chats.subscriptions(USER)
    await harness.command(USER, "/list", language_code="en")
    await harness.press(USER, f"s:e:{sub1.id}:0", language_code="en")
    prompt = harness.last(USER)
    assert "Reply to this message with the new query for #1" in prompt["text"]
    await harness.text(USER, "彩超", reply_to=prompt["message_id"])
    assert harness.last_text(USER) == "这个订阅已经有了：#2。"
    assert [s.query for s in await harness.store.chats.subscriptions(USER)] == ["液相色谱", "彩超"]


async def test_longest_queries_still_fit_in_one_list_page(harness: Harness) -> None:
    for n in range(5):
        words = " ".join(f"{n}{i:02d}" + "仪" * 47 for i in range(30))  # 30 terms of 50 characters
        await harness.command(USER, f"/sub {words}")
        assert "已订阅" in harness.last_text(USER)
    await harness.command(USER, "/list")
    listing = harness.last(USER)
    assert "第 1/1 页，共 5 个" in listing["text"] and "…" in listing["text"]


def test_help_lists_every_command_of_the_menu() -> None:
    from tenderbot.bot.commands import USER_MENU
    from tenderbot.texts import t

    for lang in ("zh", "en"):
        help_text = t(lang, "help")
        missing = [name for name, _zh, _en in USER_MENU if f"/{name}" not in help_text]
        assert not missing, f"{lang} help lacks {missing}"
