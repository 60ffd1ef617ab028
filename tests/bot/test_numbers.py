"""Issue 9: a subscription keeps its number for life; /unsub deletes at once and 撤销 puts it back."""

from __future__ import annotations

import json

from tests.bot.conftest import USER, Harness
from tests.bot.test_transfer import exported as exported_file

HOOK = "https://oapi.dingtalk.com/robot/send?access_token=abc123"


async def _subscribe(harness: Harness, *queries: str) -> None:
    for query in queries:
        await harness.command(USER, f"/sub {query}")
        assert "已订阅" in harness.last_text(USER), harness.last_text(USER)


async def test_deleting_one_shifts_no_other_number(harness: Harness) -> None:
    await _subscribe(harness, "液相色谱", "彩超", "质谱", "监护仪")
    await harness.command(USER, "/unsub 2")
    assert "已删除 #2" in harness.last_text(USER) and "彩超" in harness.last_text(USER)
    # What the screen showed as #3 is still #3 for every command.
    await harness.command(USER, "/list")
    listing = harness.last_text(USER)
    assert "1. 液相色谱" in listing and "3. 质谱" in listing and "4. 监护仪" in listing and "2." not in listing
    await harness.command(USER, "/pause 3")
    assert "已暂停 #3" in harness.last_text(USER)
    assert {s.query: s.active for s in await harness.store.chats.subscriptions(USER)}["质谱"] is False
    await harness.command(USER, "/resume 3")
    assert {s.query: s.active for s in await harness.store.chats.subscriptions(USER)}["质谱"] is True
    await harness.command(USER, "/share 4")
    assert "订阅 #4" in harness.last_text(USER)
    await harness.command(USER, f"/robot 3 dingtalk {HOOK}")
    assert "#3" in harness.last_text(USER)
    bound = await harness.store.chats.subscription_by_number(USER, 3)
    assert bound is not None and bound.query == "质谱"
    assert await harness.store.digests.webhook_subscriptions([bound.id]) == [bound.id]
    await harness.command(USER, "/unsub 2")  # gone: says which numbers exist
    assert "现有：1、3、4" in harness.last_text(USER)
    await harness.command(USER, "/unsub 4")
    assert "已删除 #4" in harness.last_text(USER) and "监护仪" in harness.last_text(USER)
    remaining = [(s.number, s.query) for s in await harness.store.chats.subscriptions(USER)]
    assert remaining == [(1, "液相色谱"), (3, "质谱")]
    # A new one gets a new number; the old numbers are never handed out again.
    await harness.command(USER, "/sub 血气分析仪")
    assert "已订阅 #5" in harness.last_text(USER)


async def test_undo_restores_the_subscription_with_its_number(harness: Harness) -> None:
    await _subscribe(harness, "液相色谱", "彩超", "质谱")
    await harness.command(USER, f"/robot 2 dingtalk {HOOK}")
    await harness.command(USER, "/pause 2")
    before = await harness.store.chats.subscription_by_number(USER, 2)
    assert before is not None
    await harness.command(USER, "/unsub 2")
    deleted = harness.last(USER)
    (undo,) = harness.buttons(USER)
    assert undo.startswith("u:") and "撤销" in json.dumps(deleted["reply_markup"], ensure_ascii=False)
    assert await harness.store.chats.subscription_by_number(USER, 2) is None
    await harness.press(USER, undo, message_id=deleted["message_id"])
    (shown,) = [m for m in harness.fake.messages(USER) if m["message_id"] == deleted["message_id"]]
    assert "已恢复 #2" in shown["text"] and not shown.get("reply_markup")
    after = await harness.store.chats.subscription_by_number(USER, 2)
    assert after == before  # same id, number, query, paused state
    await harness.command(USER, "/resume 2")
    assert await harness.store.digests.webhook_subscriptions([before.id]) == [before.id]  # robot kept
    await harness.press(USER, undo, message_id=deleted["message_id"], check_button=False)
    assert "已失效" in harness.answers()[-1]
    assert len(await harness.store.chats.subscriptions(USER)) == 3


async def test_list_editor_and_export_show_the_lasting_number(harness: Harness) -> None:
    await _subscribe(harness, "液相色谱", "彩超", "质谱")
    await harness.command(USER, "/unsub 1")
    third = await harness.store.chats.subscription_by_number(USER, 3)
    assert third is not None
    await harness.command(USER, "/list")
    assert f"s:e:{third.id}:0" in harness.buttons(USER)
    await harness.press(USER, f"s:e:{third.id}:0")
    prompt = harness.last(USER)
    assert "订阅 #3" in prompt["text"]
    await harness.text(USER, "质谱仪", reply_to=prompt["message_id"])
    assert "已修改 #3" in harness.last_text(USER)
    exported = json.loads(await exported_file(harness, USER))
    assert [(item["number"], item["query"]) for item in exported["subscriptions"]] == [(2, "彩超"), (3, "质谱仪")]
