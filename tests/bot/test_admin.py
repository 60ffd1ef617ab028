"""/status for everyone; /stats, /broadcast, /sources for operators only; /share and the deep link."""

from __future__ import annotations

from datetime import timedelta

from tenderbot.models import SourceState
from tenderbot.store.outbox import OutboxItem
from tests.bot.conftest import ADMIN, GROUP, NOW, OTHER, USER, Harness, tender


async def test_status_shows_sources_and_this_chats_numbers(harness: Harness) -> None:
    await harness.store.sources.save(SourceState("ccgp", failures=0, last_success=NOW), NOW)
    await harness.store.sources.save(
        SourceState("gdgpo", failures=3, last_success=NOW - timedelta(days=1), last_error="HTTP 503 <busy>"), NOW
    )
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, "/sub 彩超")
    await harness.command(USER, "/pause 2")
    (change,) = await harness.store.notices.upsert([tender("液相色谱仪")], NOW)
    await harness.store.outbox.enqueue([OutboxItem(USER, "alert", "a", change.notice_id)], NOW)
    (delivery,) = await harness.store.outbox.claim(NOW)
    await harness.store.outbox.mark_sent(delivery.id, NOW, 1)
    await harness.store.chats.follow(USER, change.project_id or 0, change.notice_id, NOW)
    await harness.command(USER, "/status")
    text = harness.last_text(USER)
    assert "订阅：2（暂停 1）" in text and "近 7 天提醒：1" in text and "关注的项目：1" in text
    assert "✅ ccgp" in text and "⚠️ gdgpo" in text and "连续 3 次失败" in text
    assert "HTTP 503" not in text  # the fetcher's English detail is for operators (issue 9)
    assert "上次轮询 03-02 10:00" in text  # Beijing time
    await harness.command(USER, "/status", language_code="en")
    assert "3 failures in a row" in harness.last_text(USER)
    await harness.command(ADMIN, "/sources")
    assert "连续 3 次失败: HTTP 503 <busy>" in harness.last_text(ADMIN)


async def test_non_admins_are_refused_without_leaking_anything(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    for command in ("/stats", "/sources", "/broadcast 大家好"):
        await harness.command(OTHER, command)
        assert harness.last_text(OTHER) == "抱歉，这个命令只对机器人管理员开放。"
    await harness.command(OTHER, "/stats", language_code="en")
    assert harness.last_text(OTHER) == "Sorry, this command is only for the bot's operators."
    assert await harness.store.outbox.counts() == {}


async def test_admin_stats_sources_and_broadcast(harness: Harness) -> None:
    await harness.store.sources.save(SourceState("ccgp", last_success=NOW), NOW)
    await harness.command(USER, "/sub 液相色谱")
    harness.fake.set_chat_admins(GROUP, [USER])
    await harness.command(GROUP, "/sub 彩超", user=USER)
    await harness.send(harness.fake.my_chat_member(OTHER, "member"))
    await harness.send(harness.fake.my_chat_member(OTHER, "kicked"))
    await harness.store.notices.upsert([tender("一", source_id="1")], NOW - timedelta(days=3))
    await harness.store.notices.upsert([tender("二", source_id="2")], NOW - timedelta(hours=2))
    await harness.command(ADMIN, "/stats")
    text = harness.last_text(ADMIN)
    # USER and GROUP are active, OTHER blocked the bot; the admin never talked to it here.
    assert "会话：2 活跃 / 3" in text and "订阅：2 生效 / 2" in text
    assert "公告：24 小时 1，7 天 2，共 2" in text
    await harness.command(ADMIN, "/sources")
    assert "✅ ccgp" in harness.last_text(ADMIN)
    await harness.command(ADMIN, "/broadcast 维护通知：<今晚> 22:00 & 之后\n第二行")
    assert "已排队发给 2 个会话" in harness.last_text(ADMIN)
    rows = await harness.store.outbox.for_chat(GROUP, ["broadcast"])
    assert [r.payload for r in rows] == [{"text": "维护通知：&lt;今晚&gt; 22:00 &amp; 之后\n第二行"}]
    assert await harness.store.outbox.for_chat(OTHER, ["broadcast"]) == []  # inactive chat
    await harness.command(ADMIN, "/broadcast")
    assert "/broadcast 内容" in harness.last_text(ADMIN)


async def test_share_link_subscribes_whoever_opens_it(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱 -维修 地区:江苏")
    await harness.command(USER, "/share 1")
    text = harness.last_text(USER)
    assert "https://t.me/tender_test_bot?start=s_" in text
    payload = text.split("?start=")[1].split()[0]
    assert len(payload.encode()) <= 64
    await harness.command(OTHER, f"/start {payload}", language_code="en")
    assert "Subscribed #1" in harness.last_text(OTHER)
    assert [s.query for s in await harness.store.chats.subscriptions(OTHER)] == ["液相色谱 -维修 地区:江苏"]
    await harness.command(OTHER, f"/start {payload}")
    assert "已经有了" in harness.last_text(OTHER)
    await harness.command(OTHER, "/start s_nonsense")
    assert harness.last_text(OTHER) == "这个分享链接无效或已失效。"
    await harness.command(USER, "/share 9")
    assert "/share 编号（现有：1）" in harness.last_text(USER)  # numbers, not a range (issue 9)


async def test_help_lists_operator_commands_to_operators_only(harness: Harness) -> None:
    await harness.command(ADMIN, "/help")
    assert "管理员命令" in harness.last_text(ADMIN) and "/broadcast — 群发" in harness.last_text(ADMIN)
    await harness.command(USER, "/help")
    assert "/broadcast" not in harness.last_text(USER) and "/sub" in harness.last_text(USER)
