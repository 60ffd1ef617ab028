"""WeCom / DingTalk / Feishu robot senders over httpx.MockTransport: payloads, signing, errors, pacing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderbot.errors import ChatGone, ConfigError, NotifyError, RetryLater
from tenderbot.notify.markdown import (
    clip_utf8,
    escape_md,
    md_bold,
    md_link,
    split_markdown,
    telegram_html_to_markdown,
    utf8_len,
)
from tenderbot.notify.webhooks import WebhookSender, WebhookTarget
from tests.hook_policy import local_robot_policy, offline_policy

WECOM = WebhookTarget("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-KEY-123")
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=ding-TOKEN-456"
FEISHU_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/feishu-TOKEN-789"
FIXED_WALL = 1_700_000_000.123


class Robot:
    """Records requests and answers with queued JSON bodies (default: success)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[httpx.Response | Exception] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        if "feishu" in request.url.host:
            return httpx.Response(200, json={"code": 0, "msg": "success", "data": {}})
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


class Clock:
    """Monotonic time that only moves when the sender sleeps."""

    def __init__(self) -> None:
        self.now = 500.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def robot() -> Robot:
    return Robot()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sender(robot: Robot, clock: Clock) -> Any:
    async with httpx.AsyncClient(transport=httpx.MockTransport(robot.handler)) as client:
        yield WebhookSender(
            client, clock=clock, sleep=clock.sleep, wall_clock=lambda: FIXED_WALL, policy=offline_policy()
        )


# ---- payload shapes ---------------------------------------------------------------------------------


async def test_wecom_markdown_payload(sender: WebhookSender, robot: Robot) -> None:
    await sender.send(WECOM, "彩色多普勒超声诊断仪*采购", "预算 **120 万元**\n[查看原文](https://x.cn/a)")
    (request,) = robot.requests
    assert str(request.url) == WECOM.url and request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert robot.bodies() == [{"msgtype": "markdown", "markdown": {
        "content": "**彩色多普勒超声诊断仪＊采购**\n预算 **120 万元**\n[查看原文](https://x.cn/a)"}}]


async def test_dingtalk_markdown_payload_without_secret(sender: WebhookSender, robot: Robot) -> None:
    await sender.send(WebhookTarget("dingtalk", DINGTALK_URL), "液相色谱仪", "第一行\n第二行")
    assert str(robot.requests[0].url) == DINGTALK_URL  # no signing parameters without a secret
    assert robot.bodies() == [{"msgtype": "markdown", "markdown": {
        "title": "液相色谱仪", "text": "#### 液相色谱仪\n\n第一行  \n  第二行"}}]


async def test_feishu_card_payload(sender: WebhookSender, robot: Robot) -> None:
    await sender.send(WebhookTarget("feishu", FEISHU_URL), "监护仪 [更正]", "**预算** 50万")
    body = robot.bodies()[0]
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"] == {"tag": "plain_text", "content": "监护仪 [更正]"}
    assert body["card"]["elements"] == [{"tag": "markdown", "content": "**预算** 50万"}]
    assert "sign" not in body and "timestamp" not in body


async def test_host_is_whatever_the_url_says(robot: Robot) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(robot.handler)) as client:
        sender = WebhookSender(client, policy=local_robot_policy())  # loopback only by explicit opt-in
        await sender.send(WebhookTarget("wecom", "http://127.0.0.1:8999/cgi-bin/webhook/send?key=k"), "t", "m")
    assert robot.requests[0].url.host == "127.0.0.1" and robot.requests[0].url.port == 8999


# ---- signing, recomputed independently ---------------------------------------------------------------


async def test_dingtalk_signature(sender: WebhookSender, robot: Robot) -> None:
    secret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
    await sender.send(WebhookTarget("dingtalk", DINGTALK_URL, secret), "t", "m")
    url = robot.requests[0].url
    raw_query = url.query.decode()
    assert raw_query.startswith("access_token=ding-TOKEN-456&timestamp=")
    query = parse_qs(raw_query)
    timestamp = query["timestamp"][0]
    assert timestamp == str(int(FIXED_WALL * 1000))  # milliseconds
    string_to_sign = f"{timestamp}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()).decode()
    raw_sign = raw_query.split("&sign=")[1]
    assert unquote_plus(raw_sign) == expected
    assert "+" not in raw_sign and "/" not in raw_sign and "=" not in raw_sign  # URL-encoded


async def test_dingtalk_signature_on_url_without_query(sender: WebhookSender, robot: Robot) -> None:
    await sender.send(WebhookTarget("dingtalk", "https://oapi.dingtalk.com/robot/send", "s"), "t", "m")
    assert robot.requests[0].url.query.decode().startswith("timestamp=")


async def test_feishu_signature(sender: WebhookSender, robot: Robot) -> None:
    secret = "feishu-secret-xyz"
    await sender.send(WebhookTarget("feishu", FEISHU_URL, secret), "t", "m")
    body = robot.bodies()[0]
    assert body["timestamp"] == str(int(FIXED_WALL))  # seconds
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert str(robot.requests[0].url) == FEISHU_URL


async def test_wecom_has_no_signing(sender: WebhookSender, robot: Robot) -> None:
    await sender.send(WebhookTarget("wecom", WECOM.url, "ignored"), "t", "m")
    assert str(robot.requests[0].url) == WECOM.url and "sign" not in robot.bodies()[0]


# ---- error mapping -----------------------------------------------------------------------------------


def answer(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=body)


@pytest.mark.parametrize(
    ("target", "body", "error", "retry_after"),
    [
        (WECOM, {"errcode": 45009, "errmsg": "api freq out of limit"}, RetryLater, 60),
        (WebhookTarget("dingtalk", DINGTALK_URL), {"errcode": 130101, "errmsg": "send too fast"}, RetryLater, 600),
        (WebhookTarget("feishu", FEISHU_URL), {"code": 11232, "msg": "frequency limited"}, RetryLater, 60),
        (WebhookTarget("feishu", FEISHU_URL), {"code": 9499, "msg": "too many request"}, RetryLater, 60),
    ],
)
async def test_rate_limit_codes_raise_retry_later_and_hold_the_robot(
    sender: WebhookSender, robot: Robot, clock: Clock, target: WebhookTarget, body: dict[str, Any],
    error: type[Exception], retry_after: float,
) -> None:
    robot.answers.append(answer(body))
    with pytest.raises(RetryLater) as caught:
        await sender.send(target, "t", "m")
    assert caught.value.retry_after == retry_after
    # Until the wait is over, no request goes out at all.
    clock.now += retry_after - 1
    with pytest.raises(RetryLater) as again:
        await sender.send(target, "t", "m")
    assert again.value.retry_after == pytest.approx(1)
    assert len(robot.requests) == 1
    clock.now += 1
    await sender.send(target, "t", "m")
    assert len(robot.requests) == 2


@pytest.mark.parametrize(
    ("target", "body", "message"),
    [
        (WECOM, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}, "exceed max length"),
        (WebhookTarget("dingtalk", DINGTALK_URL), {"errcode": 310000, "errmsg": "sign not match"},
         "sign not match"),
        (WebhookTarget("feishu", FEISHU_URL),
         {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"},
         "sign match fail"),
        (WebhookTarget("feishu", FEISHU_URL), {"code": 9499, "msg": "Bad Request", "data": {}}, "Bad Request"),
    ],
)
async def test_other_codes_raise_notify_error_with_platform_message(
    sender: WebhookSender, robot: Robot, target: WebhookTarget, body: dict[str, Any], message: str
) -> None:
    robot.answers.append(answer(body))
    with pytest.raises(NotifyError) as caught:
        await sender.send(target, "t", "m")
    assert type(caught.value) is NotifyError
    assert message in str(caught.value)
    assert "KEY" not in str(caught.value) and "TOKEN" not in str(caught.value)


@pytest.mark.parametrize(
    ("target", "body"),
    [
        (WECOM, {"errcode": 93000, "errmsg": "invalid webhook url"}),
        (WebhookTarget("dingtalk", DINGTALK_URL), {"errcode": 300005, "errmsg": "token is not exist"}),
        (WebhookTarget("feishu", FEISHU_URL), {"code": 19001, "msg": "param invalid: incoming webhook access "
                                                                     "token invalid"}),
    ],
)
async def test_removed_robot_is_chat_gone(
    sender: WebhookSender, robot: Robot, target: WebhookTarget, body: dict[str, Any]
) -> None:
    robot.answers.append(answer(body))
    with pytest.raises(ChatGone):
        await sender.send(target, "t", "m")


async def test_feishu_legacy_status_code_success(sender: WebhookSender, robot: Robot) -> None:
    robot.answers.append(answer({"Extra": None, "StatusCode": 0, "StatusMessage": "success"}))
    await sender.send(WebhookTarget("feishu", FEISHU_URL), "t", "m")


@pytest.mark.parametrize(
    ("reply", "error", "retry_after"),
    [
        (httpx.Response(502, text="bad gateway"), RetryLater, 30),
        (httpx.Response(429, headers={"Retry-After": "7"}), RetryLater, 7),
        (httpx.ReadTimeout("slow"), RetryLater, 30),
        (httpx.ConnectError("refused"), RetryLater, 30),
        (httpx.Response(404, text="no"), NotifyError, None),
        (httpx.Response(200, text="<html>gateway page</html>"), NotifyError, None),
        (httpx.Response(200, json={"ok": True}), NotifyError, None),
    ],
)
async def test_http_failures(
    sender: WebhookSender, robot: Robot, reply: httpx.Response | Exception, error: type[Exception],
    retry_after: float | None,
) -> None:
    robot.answers.append(reply)
    with pytest.raises(error) as caught:
        await sender.send(WECOM, "t", "m")
    if retry_after is not None:
        assert isinstance(caught.value, RetryLater) and caught.value.retry_after == retry_after
    else:
        assert not isinstance(caught.value, RetryLater)
    assert "KEY" not in str(caught.value)


def test_config_round_trip() -> None:
    target = WebhookTarget("feishu", FEISHU_URL, "s3cret")
    assert WebhookTarget.from_config(target.to_config()) == target
    assert WebhookTarget.from_config({"kind": "wecom", "url": f" {WECOM.url} ", "secret": ""}) == WECOM
    for bad in ({"kind": "wecom"}, {"kind": "qq", "url": WECOM.url}, {"kind": "wecom", "url": 5},
                {"kind": "wecom", "url": WECOM.url, "secret": 1}):
        with pytest.raises(ConfigError):
            WebhookTarget.from_config(bad)


async def test_send_html_converts_telegram_rendering(sender: WebhookSender, robot: Robot) -> None:
    await sender.send_html(WECOM, "新公告", '<b>彩超*采购</b>\n<a href="https://x.cn/1">查看原文</a>')
    assert robot.bodies()[0]["markdown"]["content"] == "**新公告**\n**彩超＊采购**\n[查看原文](https://x.cn/1)"


class _RobotHandler(BaseHTTPRequestHandler):
    """A WeCom-like robot on 127.0.0.1: answers HTTP 200 with a JSON errcode, like the real one."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({"path": self.path, "body": body})
        code = 45009 if len(self.received) > 1 else 0
        payload = json.dumps({"errcode": code, "errmsg": "api freq out of limit" if code else "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


async def test_against_a_real_local_server() -> None:
    _RobotHandler.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RobotHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        target = WebhookTarget("wecom", f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=K")
        async with httpx.AsyncClient(trust_env=False) as client:  # no proxy from the environment
            sender = WebhookSender(client, policy=local_robot_policy())
            await sender.send(target, "标题", "正文")
            with pytest.raises(RetryLater):
                await sender.send(target, "标题", "再来")
    finally:
        server.shutdown()
        server.server_close()
    assert [r["path"] for r in _RobotHandler.received] == ["/cgi-bin/webhook/send?key=K"] * 2
    assert _RobotHandler.received[0]["body"]["markdown"]["content"] == "**标题**\n正文"


def test_target_validation_and_redacted_repr() -> None:
    with pytest.raises(ConfigError):
        WebhookTarget("slack", "https://x")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        WebhookTarget("wecom", "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    target = WebhookTarget("dingtalk", DINGTALK_URL, "SECRET")
    assert "TOKEN" not in repr(target) and "SECRET" not in repr(target)
    assert target.host == "oapi.dingtalk.com"


# ---- the 20-a-minute window --------------------------------------------------------------------------


async def test_twenty_per_minute_per_robot_waits_instead_of_failing(
    sender: WebhookSender, robot: Robot, clock: Clock
) -> None:
    other = WebhookTarget("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=other")
    for n in range(20):
        await sender.send(WECOM, f"#{n}", "m")
        clock.now += 1.0
    assert clock.sleeps == []
    await sender.send(other, "other robot", "m")  # its own window
    assert clock.sleeps == []
    started = clock.now  # 520.0; the first send was at 500.0
    await sender.send(WECOM, "#21", "m")
    assert clock.sleeps == [pytest.approx(40.0)]
    assert clock.now == pytest.approx(started + 40.0)
    assert len(robot.requests) == 22


async def test_concurrent_sends_book_distinct_slots(robot: Robot, clock: Clock) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(robot.handler)) as client:
        waits: list[float] = []

        async def remember_sleep(seconds: float) -> None:
            waits.append(seconds)  # the clock stays put: all five were booked at the same instant

        sender = WebhookSender(
            client, per_robot_per_minute=3, clock=clock, sleep=remember_sleep, policy=offline_policy()
        )
        await asyncio.gather(*(sender.send(WECOM, f"#{n}", "m") for n in range(5)))
    assert sorted(waits) == [60.0, 60.0]
    assert len(robot.requests) == 5


async def test_long_wecom_message_is_split_under_4096_bytes(sender: WebhookSender, robot: Robot) -> None:
    lines = [f"{n:03d}. 江苏省人民医院 彩色多普勒超声诊断仪 预算 {n} 万元 [原文](https://x.cn/{n})"
             for n in range(200)]
    await sender.send(WECOM, "今日招标汇总", "\n".join(lines))
    contents = [body["markdown"]["content"] for body in robot.bodies()]
    assert len(contents) > 1
    assert all(utf8_len(content) <= 4096 for content in contents)
    assert contents[0].startswith(f"**今日招标汇总 (1/{len(contents)})**\n")
    sent_lines = [line for content in contents for line in content.split("\n")[1:]]
    assert sent_lines == lines  # nothing lost, nothing cut mid-line, order kept


async def test_overlong_single_line_is_clipped_cleanly(sender: WebhookSender, robot: Robot) -> None:
    await sender.send(WECOM, "t", "液" * 3000)  # 9000 bytes on one line
    (body,) = robot.bodies()
    content = body["markdown"]["content"]
    assert utf8_len(content) <= 4096 and content.endswith("…")
    content.encode().decode()  # still valid UTF-8: cut at a character boundary


# ---- Markdown helpers ------------------------------------------------------------------------------


def test_escape_md_neutralises_markup_but_keeps_meaning() -> None:
    assert escape_md("**医院** [采购](javascript:x) #1 <b> _a_ `c` > q | ~s~ \\") == (
        "＊＊医院＊＊ ［采购］(javascript:x) ＃1 ＜b＞ ＿a＿ ｀c｀ ＞ q ｜ ～s～ ＼")
    assert escape_md("  第一行\n第二行\t ") == "第一行 第二行"
    assert escape_md(None) == "" and md_bold("") == ""
    assert md_bold("A*B") == "**A＊B**"


def test_md_link_only_http_and_encodes_parentheses() -> None:
    assert md_link("公告 [1]", "https://x.cn/a (1).htm") == "[公告 ［1］](https://x.cn/a%20%281%29.htm)"
    assert md_link("点我", "javascript:alert(1)") == "点我"
    assert md_link(None, "http://x.cn") == "[http://x.cn](http://x.cn)"


# Lone surrogates cannot come from decoded pages or JSON, and cannot be sent either.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), min_size=1,
               max_size=30)


@given(TEXT, st.integers(min_value=1, max_value=50))
def test_clip_utf8_never_exceeds_and_stays_a_prefix(text: str, limit: int) -> None:
    clipped = clip_utf8(text, limit)
    assert utf8_len(clipped) <= limit
    if utf8_len(text) <= limit:
        assert clipped == text
    else:
        assert text.startswith(clipped.removesuffix("…"))


@given(st.lists(LINE, min_size=1, max_size=40),
       st.integers(min_value=130, max_value=300))  # 30 chars × 4 bytes fit: no clipping here
def test_split_markdown_keeps_every_line_in_order(lines: list[str], limit: int) -> None:
    parts = split_markdown("\n".join(lines), limit)
    assert all(utf8_len(part) <= limit for part in parts)
    assert "\n".join(parts).split("\n") == [line for line in "\n".join(lines).strip("\n").split("\n")]


def test_telegram_html_to_markdown() -> None:
    source = ('🔔 <b>彩超 &amp; 监护仪*采购</b>\n💰 预算 <i>120 万元</i>\n'
              '<a href="https://x.cn/a?b=1&amp;c=(2)">查看原文</a>\n<blockquote>江苏 [南京]</blockquote>')
    assert telegram_html_to_markdown(source) == (
        "🔔 **彩超 & 监护仪＊采购**\n💰 预算 *120 万元*\n[查看原文](https://x.cn/a?b=1&c=%282%29)\n\n> 江苏 ［南京］")
    assert telegram_html_to_markdown('<a href="javascript:x">坏链接</a>') == "坏链接"

