"""The guided /sub: typed words, toggles, budget, review and confirm; it survives a restart and expires."""

from __future__ import annotations

from datetime import timedelta

from tenderbot.bot.wizard import CATEGORIES, REGIONS, TYPES
from tenderbot.matching.query import parse_query
from tenderbot.subscriptions import SubscriptionIndex
from tests.bot.conftest import USER, Harness, build_app


def token_of(harness: Harness) -> str:
    """The flow's token, read from the panel's buttons."""
    data = [b for b in harness.buttons(USER) if b.startswith("w:")]
    assert data, harness.last_text(USER)
    return data[0].split(":")[1]


async def test_guided_flow_composes_confirms_and_survives_a_restart(harness: Harness) -> None:
    await harness.command(USER, "/sub")
    assert "第 1/7 步" in harness.last_text(USER)
    token = token_of(harness)
    panel = harness.last(USER)
    await harness.text(USER, '液相色谱 "质谱', reply_to=panel["message_id"])
    assert "引号没有结束" in harness.last_text(USER) and "第 1/7 步" in harness.last_text(USER)
    await harness.text(USER, "液相色谱 质谱", reply_to=panel["message_id"])
    assert "第 2/7 步" in harness.last_text(USER) and "液相色谱 质谱" in harness.last_text(USER)

    # Restart: a new Application and matcher over the same database; the flow goes on.
    await harness.app.shutdown()
    harness.index = SubscriptionIndex(harness.store.chats)
    harness.app = await build_app(harness.fake, harness.store, harness.index, harness.clock, harness.admins)

    await harness.text(USER, "维修 试剂")
    assert "第 3/7 步" in harness.last_text(USER) and "-维修 -试剂" in harness.last_text(USER)
    await harness.press(USER, f"w:{token}:t:{CATEGORIES.index('仪器')}")
    assert "类别:仪器" in harness.last_text(USER)
    await harness.press(USER, f"w:{token}:n")
    await harness.press(USER, f"w:{token}:t:{REGIONS.index('江苏')}")
    await harness.press(USER, f"w:{token}:t:{REGIONS.index('浙江')}")
    await harness.press(USER, f"w:{token}:t:{REGIONS.index('浙江')}")  # toggled off again
    await harness.press(USER, f"w:{token}:n")
    assert "第 5/7 步" in harness.last_text(USER)
    await harness.press(USER, f"w:{token}:m:2")
    await harness.press(USER, f"w:{token}:n")
    await harness.press(USER, f"w:{token}:t:{TYPES.index('招标')}")
    await harness.press(USER, f"w:{token}:t:{TYPES.index('更正')}")
    await harness.press(USER, f"w:{token}:n")
    review = harness.last_text(USER)
    expected = parse_query("液相色谱 质谱 -维修 -试剂 类别:仪器 地区:江苏 预算:50万-200万 类型:招标,更正").canonical()
    assert "第 7/7 步" in review and expected in review
    assert await harness.store.chats.subscriptions(USER) == []  # nothing saved before confirming
    await harness.press(USER, f"w:{token}:ok")
    assert "已订阅 #1" in harness.last_text(USER) and "过去 7 天匹配 0 条公告" in harness.last_text(USER)
    assert [s.query for s in await harness.store.chats.subscriptions(USER)] == [expected]
    assert len(harness.index) == 1
    # The finished flow's buttons are stale now.
    await harness.press(USER, f"w:{token}:ok", message_id=panel["message_id"], check_button=False)
    assert "已失效" in harness.answers()[-1]
    assert len(await harness.store.chats.subscriptions(USER)) == 1


async def test_back_cancel_and_expiry(harness: Harness) -> None:
    await harness.command(USER, "/sub", language_code="en")
    token = token_of(harness)
    assert "step 1/7" in harness.last_text(USER)
    await harness.press(USER, f"w:{token}:n", language_code="en")
    assert "step 2/7" in harness.last_text(USER)
    await harness.press(USER, f"w:{token}:b", language_code="en")
    assert "step 1/7" in harness.last_text(USER)
    await harness.press(USER, f"w:{token}:x")
    assert harness.last_text(USER) == "已取消，什么都没改。"
    await harness.command(USER, "/sub")
    token = token_of(harness)
    harness.clock.now += timedelta(days=3)
    await harness.press(USER, f"w:{token}:n")
    assert "已失效" in harness.answers()[-1]
    await harness.text(USER, "液相色谱")  # an expired flow does not take words either
    assert "已失效" not in harness.last_text(USER) and "第 2/7 步" not in harness.last_text(USER)
    assert await harness.store.chats.subscriptions(USER) == []


async def test_review_of_an_empty_flow_explains_and_offers_no_confirm(harness: Harness) -> None:
    await harness.command(USER, "/sub")
    token = token_of(harness)
    for _ in range(6):
        await harness.press(USER, f"w:{token}:n")
    assert "查询是空的" in harness.last_text(USER)
    assert f"w:{token}:ok" not in harness.buttons(USER)
