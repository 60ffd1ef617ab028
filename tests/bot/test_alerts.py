"""Alerts and their buttons: escaped HTML, 关注 / 不相关 / 屏蔽采购人 acting on what the outbox row says."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tenderbot.notify.channels import TelegramChannel
from tenderbot.notify.render import render_alert
from tenderbot.notify.sender import alert_buttons
from tenderbot.store.outbox import OutboxItem
from tests.bot.conftest import JSON, NOW, USER, Harness, tender

BJ = ZoneInfo("Asia/Shanghai")


async def send_alert(harness: Harness, notice_id: int, why: tuple[str, ...], language: str = "zh") -> JSON:
    """Render and send one alert the way the sender does; return the message Telegram stored."""
    stored = await harness.store.notices.get(notice_id)
    assert stored is not None
    text = render_alert(stored.notice, why=why, now=NOW, tz=BJ, language=language)
    channel = TelegramChannel(harness.app.bot)
    await channel.send(USER, text, buttons=alert_buttons(notice_id, language))
    return harness.last(USER)


async def test_alert_escapes_portal_text_and_shows_every_field(harness: Harness) -> None:
    title = "<b>液相色谱仪</b> & 质谱 > 采购 <script>"
    notice = tender(title, buyer="A&B <医院>", deadline=NOW + timedelta(days=5))
    (change,) = await harness.store.notices.upsert([notice], NOW)
    message = await send_alert(harness, change.notice_id, ("液相色谱", "<质谱>"))
    text = str(message["text"])
    assert title in text  # came through as literal text, not markup
    assert "A&B <医院>" in text and "<质谱>" in text
    assert "128.5万元" in text and "还剩5天" in text and "江苏" in text and "招标" in text
    assert not any(e["type"] == "bold" and e["length"] == len("液相色谱仪") for e in message.get("entities", []))
    assert [b for b in harness.buttons(USER)] == [f"f:{change.notice_id}", f"h:{change.notice_id}",
                                                  f"b:{change.notice_id}"]
    english = await send_alert(harness, change.notice_id, ("液相色谱",), "en")
    assert "Budget" in str(english["text"]) and "5 days left" in str(english["text"])


async def test_follow_and_hide_buttons(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    (change,) = await harness.store.notices.upsert([tender("液相色谱仪采购")], NOW)
    await send_alert(harness, change.notice_id, ("液相色谱",))
    await harness.press(USER, f"f:{change.notice_id}")
    assert harness.answers()[-1].startswith("⭐ 已关注")
    assert await harness.store.chats.followers(change.project_id or 0) == [USER]
    await harness.press(USER, f"f:{change.notice_id}")
    assert harness.answers()[-1] == "已经关注了这个项目。"
    await harness.press(USER, f"h:{change.notice_id}")
    assert (USER, change.project_id) in await harness.store.chats.hidden_projects()
    await harness.press(USER, f"h:{change.notice_id}", language_code="en")
    assert harness.answers()[-1].startswith("🙈 Hidden")


async def test_block_buyer_changes_only_the_subscriptions_that_matched(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, "/sub 质谱")
    lc, ms = await harness.store.chats.subscriptions(USER)
    notice = tender("液相色谱仪采购", buyer="示例市人民医院")
    (change,) = await harness.store.notices.upsert([notice], NOW)
    await harness.store.outbox.enqueue(
        [OutboxItem(USER, "alert", f"alert:{change.notice_id}", change.notice_id, subscription_ids=(lc.id,))], NOW
    )
    await send_alert(harness, change.notice_id, ("液相色谱",))
    await harness.index.refresh()
    assert [m.subscription.id for m in harness.index.match(notice)] == [lc.id]
    await harness.press(USER, f"b:{change.notice_id}")
    assert harness.answers()[-1] == "🚫 已在 1 个订阅中屏蔽采购人：示例市人民医院"
    lc_after = await harness.store.chats.subscription(lc.id)
    ms_after = await harness.store.chats.subscription(ms.id)
    assert lc_after is not None and lc_after.excluded_buyers == ("示例市人民医院",)
    assert ms_after is not None and ms_after.excluded_buyers == ()
    # The live matcher follows at once (no refresh in between).
    assert harness.index.match(notice) == []
    other_buyer = tender("液相色谱仪采购", source_id="2", buyer="另一家医院")
    assert [m.subscription.id for m in harness.index.match(other_buyer)] == [lc.id]
    await harness.command(USER, "/list")
    assert "屏蔽采购人：示例市人民医院" in harness.last_text(USER)


async def test_stale_alert_buttons_answer_politely(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    (sub,) = await harness.store.chats.subscriptions(USER)
    (change,) = await harness.store.notices.upsert([tender("液相色谱仪采购")], NOW)
    await harness.store.outbox.enqueue(
        [OutboxItem(USER, "alert", "a1", change.notice_id, subscription_ids=(sub.id,))], NOW
    )
    message = await send_alert(harness, change.notice_id, ("液相色谱",))
    await harness.command(USER, "/unsub 1")
    await harness.press(USER, f"b:{change.notice_id}", message_id=message["message_id"])
    assert harness.answers()[-1] == "这个订阅已经删除了。"
    await harness.press(USER, "f:99999", message_id=message["message_id"], check_button=False)
    assert harness.answers()[-1] == "这条公告已不在库中。"
    await harness.press(USER, "b:x", message_id=message["message_id"], check_button=False)
    assert "已失效" in harness.answers()[-1]
    assert await harness.store.chats.followers(change.project_id or 0) == []
