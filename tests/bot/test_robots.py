"""/robot: bind a subscription to a WeCom / DingTalk / Feishu robot, safely."""

from __future__ import annotations

from tests.bot.conftest import GROUP, USER, Harness

HOOK = "https://oapi.dingtalk.com/robot/send?access_token=abc123"


async def test_bind_and_unbind_a_robot(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, f"/robot 1 dingtalk {HOOK} SECdeadbeef")
    text = harness.last_text(USER)
    assert "钉钉" in text and "oapi.dingtalk.com" in text
    assert "SECdeadbeef" not in text and "abc123" not in text  # credentials are never echoed
    assert "deleteMessage" in harness.fake.calls  # and the command carrying them is removed
    (subscription,) = await harness.store.chats.subscriptions(USER)
    assert await harness.store.digests.webhook_subscriptions([subscription.id]) == [subscription.id]
    await harness.command(USER, "/robot 1 off")
    assert "不再推送" in harness.last_text(USER)
    assert await harness.store.digests.webhook_subscriptions([subscription.id]) == []


async def test_bad_robot_commands_change_nothing(harness: Harness) -> None:
    await harness.command(USER, "/sub 彩超")
    await harness.command(USER, "/robot 1 slack https://hooks.slack.com/x")
    assert "未保存" in harness.last_text(USER) and "wecom" in harness.last_text(USER)
    await harness.command(USER, "/robot 1 wecom http://insecure.example/hook")
    assert "https" in harness.last_text(USER)
    await harness.command(USER, "/robot 7 wecom https://qyapi.weixin.qq.com/x")
    assert "/robot" in harness.last_text(USER)  # usage
    (subscription,) = await harness.store.chats.subscriptions(USER)
    assert await harness.store.digests.webhook_subscriptions([subscription.id]) == []


async def test_only_group_admins_bind_robots(harness: Harness) -> None:
    harness.fake.set_chat_admins(GROUP, [USER])
    await harness.command(GROUP, "/sub 监护仪", user=USER)
    await harness.command(GROUP, "/robot 1 wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", user=777)
    (subscription,) = await harness.store.chats.subscriptions(GROUP)
    assert await harness.store.digests.webhook_subscriptions([subscription.id]) == []


async def test_robot_and_query_errors_follow_the_readers_language(harness: Harness) -> None:
    """Issue 9: a Chinese user gets Chinese errors, an English client English (one catalogue)."""
    await harness.command(USER, "/sub 彩超")
    for command in ("/robot 1 wecom http://insecure.example/hook", "/robot 1 slack https://hooks.slack.com/x",
                    "/robot 9 wecom https://qyapi.weixin.qq.com/x"):
        await harness.command(USER, command)
        reply = harness.last_text(USER)
        assert "未保存" in reply or "没有这个编号" in reply, reply
        assert "must" not in reply and "unknown" not in reply.lower(), reply
    await harness.command(USER, "/robot 1 wecom http://insecure.example/hook", language_code="en")
    assert harness.last_text(USER).startswith("❌ Not saved: the robot's webhook URL must start with https://")
    await harness.command(USER, "/sub 液相 预算:很多")
    assert harness.last_text(USER).startswith("❌ 未保存：预算“很多”不是一个范围")
    await harness.command(USER, "/sub 液相 预算:很多", language_code="en")
    reply = harness.last_text(USER)
    assert reply.startswith("❌ Not saved: The budget “很多” is not a range"), reply
    assert "budget:50万-500万" in reply and "请写" not in reply


async def test_a_robot_url_on_another_host_is_refused(harness: Harness) -> None:
    await harness.command(USER, "/sub 彩超")
    for url in (
        "https://127.0.0.1:8443/cgi-bin/webhook/send?key=k",  # the server's own loopback
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://qyapi.weixin.qq.com.evil.example/send",  # a look-alike host
    ):
        await harness.command(USER, f"/robot 1 wecom {url}")
        assert "未保存" in harness.last_text(USER) and "qyapi.weixin.qq.com" in harness.last_text(USER), url
    (subscription,) = await harness.store.chats.subscriptions(USER)
    assert await harness.store.digests.webhook_subscriptions([subscription.id]) == []
