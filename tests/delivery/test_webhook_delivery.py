"""Subscriptions bound to team robots: matches go there too, in Markdown, signed, errcode checked, 20/min."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tenderbot.notify.hookguard import HookPolicy
from tenderbot.notify.ratelimit import RobotWindow, SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.notify.webhooks import WebhookSender, dingtalk_sign
from tenderbot.store.digests import DigestRepo
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tests.delivery.support import FakeClock, drain, start_time, telegram_sender, tender
from tests.fake_telegram import FakeTelegram
from tests.hook_policy import offline_policy

USER = 5005
DINGTALK = "https://oapi.dingtalk.test/robot/send?access_token=tok"
SECRET = "SECabc123"
POLICY = offline_policy("oapi.dingtalk.test", "open.feishu.test", "qyapi.weixin.test")


class Robot:
    """A robot endpoint that records posts and answers with a configurable JSON code."""

    def __init__(self) -> None:
        self.posts: list[httpx.Request] = []
        self.answers: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.posts.append(request)
        answer = self.answers.pop(0) if self.answers else {"errcode": 0, "errmsg": "ok"}
        return httpx.Response(200, json=answer)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.posts]


@asynccontextmanager
async def robot_sender(
    store: Store, fake: FakeTelegram, clock: FakeClock, robot: Robot, **kw: Any
) -> AsyncIterator[Sender]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(robot.handle))
    hooks = WebhookSender(
        client, clock=clock.monotonic, sleep=clock.sleep, wall_clock=lambda: clock.now().timestamp(), policy=POLICY
    )
    async with telegram_sender(
        store, fake, clock, webhooks=hooks, robots=RobotWindow(clock=clock.monotonic), **kw
    ) as sender:
        yield sender
    await client.aclose()


async def _bound_alerts(
    store: Store, clock: FakeClock, count: int, kind: str = "dingtalk", url: str = DINGTALK
) -> None:
    await store.chats.ensure(USER, clock.now())
    sub = await store.chats.add_subscription(USER, "液相色谱", clock.now(), name="液相")
    assert await DigestRepo(store.engine).bind_webhook(USER, sub.id, kind, url, SECRET)
    notices = [
        tender(
            f"t-{n}",
            code=f"W-{n:03d}",
            title=f"第{n}医院液相色谱仪采购*公告*",
            deadline=clock.now() + timedelta(days=9),
        )
        for n in range(count)
    ]
    changes = await store.notices.upsert(notices, clock.now())
    await store.outbox.enqueue(
        [OutboxItem(USER, "alert", f"alert:{c.notice_id}", c.notice_id, (sub.id,), ("液相色谱",)) for c in changes],
        clock.now(),
    )


async def test_bound_subscription_posts_signed_markdown_to_dingtalk(store: Store) -> None:
    clock = FakeClock(start_time())
    fake, robot = FakeTelegram(flood=None), Robot()
    await _bound_alerts(store, clock, 1)
    async with robot_sender(store, fake, clock, robot) as sender:
        await drain(sender)
    assert len(fake.messages(USER)) == 1
    [post] = robot.posts
    query = parse_qs(urlsplit(str(post.url)).query)
    stamp = int(query["timestamp"][0])
    assert query["sign"][0] == dingtalk_sign(SECRET, stamp) and query["access_token"] == ["tok"]
    body = json.loads(post.content)
    assert body["msgtype"] == "markdown"
    text = body["markdown"]["text"]
    assert "第0医院液相色谱仪采购＊公告＊" in text and "128.5万元" in text and "<b>" not in text
    assert "[查看原文](https://example.gov.cn/notice/t-0.html)" in text
    assert await store.outbox.counts(USER) == {"sent": 2}


async def test_errcode_failure_is_retried_then_given_up(store: Store) -> None:
    clock = FakeClock(start_time())
    fake, robot = FakeTelegram(flood=None), Robot()
    await _bound_alerts(store, clock, 1)
    robot.answers = [{"errcode": 310000, "errmsg": "sign not match"}] * 3
    async with robot_sender(store, fake, clock, robot, max_attempts=3) as sender:
        await drain(sender)
        [alert, hook] = await store.outbox.for_chat(USER)
        assert alert.state == "sent"
        assert hook.state == "pending" and "310000" in (hook.last_error or "") and "tok" not in hook.last_error
        for _ in range(3):
            clock.advance(700)
            await drain(sender)
    [_, hook] = await store.outbox.for_chat(USER)
    assert (hook.state, hook.attempts, len(robot.posts)) == ("dead", 3, 3)


async def test_robot_gone_code_stops_at_once(store: Store) -> None:
    clock = FakeClock(start_time())
    fake, robot = FakeTelegram(flood=None), Robot()
    await _bound_alerts(store, clock, 1, "feishu", "https://open.feishu.test/open-apis/bot/v2/hook/x")
    robot.answers = [{"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}]
    async with robot_sender(store, fake, clock, robot) as sender:
        await drain(sender)
    [_, hook] = await store.outbox.for_chat(USER)
    assert hook.state == "dead" and len(robot.posts) == 1
    assert robot.bodies()[0]["msg_type"] == "interactive" and "sign" in robot.bodies()[0]


async def test_twenty_a_minute_per_robot(store: Store) -> None:
    clock = FakeClock(start_time())
    fake, robot = FakeTelegram(flood=None), Robot()
    await _bound_alerts(store, clock, 23, "wecom", "https://qyapi.weixin.test/cgi-bin/webhook/send?key=k")
    async with robot_sender(store, fake, clock, robot) as sender:
        await drain(sender, rounds=60)
        assert len(robot.posts) == 20
        assert len(fake.messages(USER)) == 23  # Telegram did not wait for the robot
        clock.advance(61)
        await drain(sender, rounds=60)
    assert len(robot.posts) == 23
    assert all(b["msgtype"] == "markdown" for b in robot.bodies())
    assert await store.outbox.counts(USER) == {"sent": 46}


async def test_robots_get_their_copy_without_a_bot_token(store: Store) -> None:
    # Console mode: the Telegram row waits for a token, the team robot is served all the same.
    clock = FakeClock(start_time())
    robot = Robot()
    await _bound_alerts(store, clock, 1)
    client = httpx.AsyncClient(transport=httpx.MockTransport(robot.handle))
    hooks = WebhookSender(
        client, clock=clock.monotonic, sleep=clock.sleep, wall_clock=lambda: clock.now().timestamp(), policy=POLICY
    )
    sender = Sender(
        store,
        telegram=None,
        console=None,
        limiter=SendLimiter(clock=clock.monotonic, sleep=clock.sleep),
        clock=clock.now,
        webhooks=hooks,
        robots=RobotWindow(clock=clock.monotonic),
    )
    await drain(sender)
    await client.aclose()
    assert len(robot.posts) == 1
    states = {d.kind: d.state for d in await store.outbox.for_chat(USER)}
    assert states == {"alert": "pending", "webhook": "sent"}


class StatusRobot(Robot):
    """A robot endpoint answering with fixed HTTP responses."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self.response = response

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.posts.append(request)
        return self.response


async def test_a_robot_that_keeps_saying_later_is_given_up_after_max_attempts(store: Store) -> None:
    # Issue #16: RetryLater was never capped (attempts 15 of 8, still pending).
    clock = FakeClock(start_time())
    fake, robot = FakeTelegram(flood=None), StatusRobot(httpx.Response(503, headers={"Retry-After": "30"}))
    await _bound_alerts(store, clock, 1)
    async with robot_sender(store, fake, clock, robot, max_attempts=4) as sender:
        for _ in range(10):
            await drain(sender)
            clock.advance(700)
    [_, hook] = await store.outbox.for_chat(USER)
    assert (hook.state, hook.attempts, len(robot.posts)) == ("dead", 4, 4)
    assert hook.last_error == "gave up after 4 attempts: dingtalk robot at oapi.dingtalk.test: HTTP 503"


async def test_a_redirecting_robot_is_not_followed_and_dead_with_the_reason(store: Store) -> None:
    # Issue #16: a 307 turned an https robot POST into a POST to loopback; the app's client follows redirects.
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    robot = StatusRobot(httpx.Response(307, headers={"Location": "http://127.0.0.1:9/internal"}))
    await _bound_alerts(store, clock, 1)
    client = httpx.AsyncClient(transport=httpx.MockTransport(robot.handle), follow_redirects=True)
    hooks = WebhookSender(client, clock=clock.monotonic, sleep=clock.sleep, policy=POLICY)
    async with telegram_sender(store, fake, clock, webhooks=hooks, robots=RobotWindow(clock=clock.monotonic)) as sender:
        await drain(sender)
    await client.aclose()
    assert [p.url.host for p in robot.posts] == ["oapi.dingtalk.test"]
    [_, hook] = await store.outbox.for_chat(USER)
    assert (hook.state, hook.attempts) == ("dead", 1)
    assert "redirect (HTTP 307)" in (hook.last_error or "") and "tok" not in (hook.last_error or "")


async def test_a_robot_url_that_resolves_inside_is_refused_at_send_time(store: Store) -> None:
    clock = FakeClock(start_time())
    fake, robot = FakeTelegram(flood=None), Robot()
    await _bound_alerts(store, clock, 1)

    async def metadata(host: str, port: int) -> list[str]:
        return ["169.254.169.254"]

    client = httpx.AsyncClient(transport=httpx.MockTransport(robot.handle))
    policy = HookPolicy(extra_hosts=POLICY.extra_hosts, resolver=metadata)
    hooks = WebhookSender(client, clock=clock.monotonic, sleep=clock.sleep, policy=policy)
    async with telegram_sender(store, fake, clock, webhooks=hooks, robots=RobotWindow(clock=clock.monotonic)) as sender:
        await drain(sender)
    await client.aclose()
    assert robot.posts == []
    [_, hook] = await store.outbox.for_chat(USER)
    assert hook.state == "dead"
    assert "169.254.169.254 is a link-local (cloud metadata) address" in (hook.last_error or "")
