"""Team robots: Markdown alerts to WeCom, DingTalk and Feishu group webhooks (signing, errcode, 20/min).

Platform facts (research/telegram.md §4.1):

* WeCom 群机器人: ``{"msgtype": "markdown", "markdown": {"content": …}}``, content ≤ 4096 UTF-8 bytes,
  20 messages a minute per robot, no signing (the key is in the URL).
* DingTalk 自定义机器人: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; 加签 appends
  ``&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(key=secret, msg=f"{ts}\\n{secret}")>``;
  20 a minute, exceeding it throttles the robot for 10 minutes.
* Feishu 自定义机器人: ``{"msg_type": "interactive", "card": …}``; signing puts ``timestamp`` (seconds)
  and ``sign`` = base64(HMAC-SHA256(key=f"{ts}\\n{secret}", msg=b"")) in the JSON body.

All three answer HTTP 200 when they refuse a message, so the JSON code decides (``errcode`` or
``code``/``StatusCode``; 0 is success).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from urllib.parse import quote_plus, urlsplit

import httpx

from tenderbot.errors import ChatGone, ConfigError, NotifyError, RetryLater
from tenderbot.notify.hookguard import HookPolicy, HookRefused
from tenderbot.notify.markdown import clip_utf8, escape_md, split_markdown, telegram_html_to_markdown, utf8_len

WebhookKind = Literal["wecom", "dingtalk", "feishu"]

# Bytes of Markdown per message. WeCom documents 4096 for markdown.content; DingTalk and Feishu document
# request-size limits around 20 KB, so parts stay well below that with room for the JSON around them.
CONTENT_LIMIT: dict[str, int] = {"wecom": 4096, "dingtalk": 18_000, "feishu": 18_000}
TITLE_LIMIT = 200

# Codes meaning "sending too fast" → seconds to wait. WeCom 45009 "api freq out of limit"; DingTalk
# 130101 "send too fast" (the robot is then throttled for 10 minutes); Feishu 11232 "frequency limited"
# and 9499 "too many request" (Feishu also uses 9499 for "Bad Request", told apart by its message).
RATE_LIMITED: dict[str, dict[int, float]] = {
    "wecom": {45009: 60.0},
    "dingtalk": {130101: 600.0},
    "feishu": {9499: 60.0, 11232: 60.0},
}
# Codes meaning the robot itself is gone (removed from the group, or the URL is wrong): stop sending.
# WeCom 93000 "invalid webhook url"; DingTalk 300005 "token is not exist"; Feishu 19001 "param invalid:
# incoming webhook access token invalid".
ROBOT_GONE: dict[str, frozenset[int]] = {
    "wecom": frozenset({93000}),
    "dingtalk": frozenset({300005}),
    "feishu": frozenset({19001}),
}
SERVER_ERROR_RETRY = 30.0
WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class WebhookTarget:
    """One team robot: platform, webhook URL (credentials inside) and optional signing secret."""

    kind: WebhookKind
    url: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in CONTENT_LIMIT:
            raise ConfigError(f"unknown webhook kind {self.kind!r}; expected wecom, dingtalk or feishu")
        if not self.url.lower().startswith(("http://", "https://")):
            raise ConfigError(f"{self.kind} webhook URL must start with https://")

    @classmethod
    def from_config(cls, data: Mapping[str, Any]) -> WebhookTarget:
        """Build from the stored form ``{"kind": …, "url": …, "secret": …?}``; ConfigError if malformed."""
        kind, url, secret = data.get("kind"), data.get("url"), data.get("secret")
        if not isinstance(kind, str) or not isinstance(url, str) or not isinstance(secret, str | None):
            raise ConfigError("a webhook needs string 'kind' and 'url' (and optionally 'secret')")
        if kind not in CONTENT_LIMIT:
            raise ConfigError(f"unknown webhook kind {kind!r}; expected wecom, dingtalk or feishu")
        return cls(cast(WebhookKind, kind), url.strip(), secret or None)

    def to_config(self) -> dict[str, str]:
        """The stored form read back by :meth:`from_config`."""
        stored = {"kind": self.kind, "url": self.url}
        if self.secret:
            stored["secret"] = self.secret
        return stored

    @property
    def host(self) -> str:
        """The URL's host, safe to log (the path and query carry the robot's key)."""
        return urlsplit(self.url).netloc


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, msg=f"{timestamp_ms}\\n{secret}")), not yet URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu signing: base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _part_suffix(index: int, total: int) -> str:
    return f" ({index}/{total})" if total > 1 else ""


class WebhookSender:
    """Sends Markdown to team robots over an injected ``httpx.AsyncClient``; pacing each robot locally.

    Every request goes through ``policy`` (``notify.hookguard``): allowed https hosts with public
    addresses only, to the address that was checked, no redirects, the answer capped in size and time.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        per_robot_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall_clock: Callable[[], float] = time.time,
        policy: HookPolicy | None = None,
    ) -> None:
        self._client = client
        self._per_minute = per_robot_per_minute
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._policy = policy or HookPolicy()
        self._sends: dict[str, deque[float]] = {}
        self._throttled_until: dict[str, float] = {}

    def throttled_for(self, target: WebhookTarget) -> float:
        """Seconds this robot told us to wait before the next message (0: none)."""
        return max(0.0, self._throttled_until.get(target.url, 0.0) - self._clock())

    async def send(self, target: WebhookTarget, title: str, markdown: str) -> None:
        """Send ``markdown`` (split if too long) under ``title``; raise RetryLater, ChatGone or NotifyError."""
        remaining = self.throttled_for(target)
        if remaining > 0:
            raise RetryLater(f"{target.kind} robot at {target.host} is throttled", remaining)
        for payload in self.payloads(target, title, markdown):
            await self._wait_for_slot(target.url)
            await self._post(target, payload)

    async def send_html(self, target: WebhookTarget, title: str, telegram_html: str) -> None:
        """Send a message rendered for Telegram (``notify.render``) after converting it to Markdown."""
        await self.send(target, title, telegram_html_to_markdown(telegram_html))

    def payloads(self, target: WebhookTarget, title: str, markdown: str) -> list[dict[str, Any]]:
        """The JSON bodies ``send`` would post (signing excluded), one per part."""
        plain_title = clip_utf8(" ".join(title.split()), TITLE_LIMIT)
        heading = escape_md(plain_title)
        body = markdown.strip()
        if target.kind == "dingtalk":
            # DingTalk renders a lone "\n" as a space; its docs suggest two spaces either side.
            body = body.replace("\n", "  \n  ")
        header_budget = utf8_len(heading) + 40  # "**" / "#### ", part suffix " (nn/nn)", blank line
        parts = split_markdown(body, CONTENT_LIMIT[target.kind] - header_budget)
        total = len(parts)
        bodies: list[dict[str, Any]] = []
        for index, part in enumerate(parts, start=1):
            suffix = _part_suffix(index, total)
            if target.kind == "wecom":
                bodies.append({"msgtype": "markdown",
                               "markdown": {"content": f"**{heading}{suffix}**\n{part}".rstrip()}})
            elif target.kind == "dingtalk":
                bodies.append({"msgtype": "markdown", "markdown": {
                    "title": f"{plain_title}{suffix}", "text": f"#### {heading}{suffix}\n\n{part}".rstrip()}})
            else:
                bodies.append({"msg_type": "interactive", "card": {
                    "config": {"wide_screen_mode": True},
                    "header": {"title": {"tag": "plain_text", "content": f"{plain_title}{suffix}"},
                               "template": "blue"},
                    "elements": [{"tag": "markdown", "content": part}],
                }})
        return bodies

    async def _wait_for_slot(self, url: str) -> None:
        """Book this robot's next slot in its sliding minute (no await before booking: no races)."""
        now = self._clock()
        window = self._sends.setdefault(url, deque())
        while window and window[0] <= now - WINDOW_SECONDS:
            window.popleft()
        at = now
        if len(window) >= self._per_minute:
            at = max(now, window[-self._per_minute] + WINDOW_SECONDS)
        window.append(at)
        if at > now:
            await self._sleep(at - now)

    def _signed(self, target: WebhookTarget, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if not target.secret:
            return target.url, payload
        if target.kind == "dingtalk":
            stamp_ms = int(self._wall_clock() * 1000)
            sign = quote_plus(dingtalk_sign(target.secret, stamp_ms))
            joiner = "&" if "?" in target.url else "?"
            return f"{target.url}{joiner}timestamp={stamp_ms}&sign={sign}", payload
        if target.kind == "feishu":
            stamp_s = int(self._wall_clock())
            return target.url, {"timestamp": str(stamp_s), "sign": feishu_sign(target.secret, stamp_s), **payload}
        return target.url, payload  # WeCom has no signing; the key in the URL is the credential

    async def _post(self, target: WebhookTarget, payload: dict[str, Any]) -> None:
        url, body = self._signed(target, payload)
        where = f"{target.kind} robot at {target.host}"  # never the URL: it carries the key
        await self._policy.check(url)  # HookRefused (policy) or RetryLater (lookup failed)
        status, headers, content = await self._exchange(where, url, body)
        if 300 <= status < 400:
            # Never followed (issue #16: a 307 turned an https robot POST into a POST to loopback).
            raise HookRefused(f"{where}: answered with a redirect (HTTP {status}); webhooks follow no redirects")
        if status == 429 or status >= 500:
            retry = _retry_after(headers.get("retry-after", "")) or SERVER_ERROR_RETRY
            raise RetryLater(f"{where}: HTTP {status}", retry)
        if status >= 400:
            raise NotifyError(f"{where}: HTTP {status}")
        try:
            answer = json.loads(content)
        except ValueError as exc:
            raise NotifyError(f"{where}: answer is not JSON") from exc
        self._check(target, where, answer)

    async def _exchange(self, where: str, url: str, body: dict[str, Any]) -> tuple[int, httpx.Headers, bytes]:
        """POST without following redirects, reading at most the policy's bytes within its time."""
        policy = self._policy
        try:
            async with asyncio.timeout(policy.timeout):
                async with self._client.stream(
                    "POST",
                    url,
                    json=body,
                    timeout=policy.timeout,
                    follow_redirects=False,
                ) as response:
                    content = bytearray()
                    if not 300 <= response.status_code < 400:
                        async for chunk in response.aiter_bytes():
                            content += chunk
                            if len(content) > policy.max_response_bytes:
                                raise HookRefused(
                                    f"{where}: answer larger than {policy.max_response_bytes} bytes; not read"
                                )
                    return response.status_code, response.headers, bytes(content)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise RetryLater(f"{where}: timed out", SERVER_ERROR_RETRY) from exc
        except httpx.TransportError as exc:
            raise RetryLater(f"{where}: {type(exc).__name__}", SERVER_ERROR_RETRY) from exc

    def _check(self, target: WebhookTarget, where: str, answer: Any) -> None:
        if not isinstance(answer, dict):
            raise NotifyError(f"{where}: unexpected answer")
        if target.kind == "feishu":
            code = answer.get("code", answer.get("StatusCode"))
            message = str(answer.get("msg") or answer.get("StatusMessage") or "")
        else:
            code, message = answer.get("errcode"), str(answer.get("errmsg") or "")
        if code == 0:
            return
        if not isinstance(code, int):
            raise NotifyError(f"{where}: answer without a result code")
        description = f"{where}: {message or 'error'} (code {code})"
        wait = RATE_LIMITED[target.kind].get(code)
        if wait is not None and not (target.kind == "feishu" and "bad request" in message.lower()):
            self._throttled_until[target.url] = self._clock() + wait
            raise RetryLater(description, wait)
        if code in ROBOT_GONE[target.kind]:
            raise ChatGone(description)
        raise NotifyError(description)


def _retry_after(value: str) -> float | None:
    try:
        return max(float(value), 1.0)
    except ValueError:
        return None
