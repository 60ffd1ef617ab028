"""Outbound hooks cannot be turned against the server: hosts, addresses, redirects, size and time."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tenderbot.errors import RetryLater
from tenderbot.notify.hookguard import ROBOT_HOSTS, HookPolicy, HookRefused, destination_problem
from tenderbot.notify.webhooks import WebhookSender, WebhookTarget
from tenderbot.settings import Settings
from tests.hook_policy import offline_policy

WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY"


def resolving_to(*addresses: str) -> HookPolicy:
    """The default policy, with every host resolving to ``addresses`` (no DNS)."""

    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return HookPolicy(resolver=resolve)


async def test_the_three_robot_services_are_accepted_by_default() -> None:
    policy = resolving_to("93.184.215.14")
    assert {"qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com"} == ROBOT_HOSTS
    for host in sorted(ROBOT_HOSTS):
        assert await destination_problem(f"https://{host}/robot/send?access_token=t", policy) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "must start with https://"),
        ("ftp://qyapi.weixin.qq.com/x", "must start with https://"),
        ("https://evil.example/cgi-bin/webhook/send", "evil.example is not a robot service host"),
        ("https://qyapi.weixin.qq.com.evil.example/x", "is not a robot service host"),
        ("https://user:pw@qyapi.weixin.qq.com/x", "must not carry a user name"),
        ("https://127.0.0.1/x", "127.0.0.1 is not a robot service host"),
        ("https:///x", "has no host"),
        ("https://[::1/x", "not a valid URL"),
    ],
)
async def test_urls_outside_the_policy_are_refused_with_a_reason(url: str, expected: str) -> None:
    problem = await destination_problem(url, resolving_to("93.184.215.14"))
    assert problem is not None and expected in problem
    assert "SECRET" not in problem


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.251", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00:ec2::254",
        "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
    ],
)
async def test_internal_addresses_are_refused_even_for_an_allowed_host(address: str) -> None:
    problem = await destination_problem(WECOM_URL, resolving_to(address))
    assert problem is not None and "qyapi.weixin.qq.com resolves to" in problem


async def test_one_internal_address_among_public_ones_is_enough_to_refuse() -> None:
    problem = await destination_problem(WECOM_URL, resolving_to("93.184.215.14", "10.1.2.3"))
    assert problem is not None and "10.1.2.3 is a private address" in problem


async def test_metadata_address_is_named_for_what_it_is() -> None:
    problem = await destination_problem(WECOM_URL, resolving_to("169.254.169.254"))
    assert problem == "qyapi.weixin.qq.com resolves to 169.254.169.254 is a link-local (cloud metadata) address"


async def test_operator_hosts_come_from_the_setting_and_still_need_public_addresses() -> None:
    settings = Settings(webhook_allowed_hosts="robot.corp.example, *.hooks.example", _env_file=None)
    policy = HookPolicy.from_setting(settings.webhook_allowed_hosts)
    assert policy.extra_hosts == {"robot.corp.example", "*.hooks.example"}
    public = HookPolicy(extra_hosts=policy.extra_hosts, resolver=resolving_to("93.184.215.14").resolver)
    assert await destination_problem("https://robot.corp.example/send", public) is None
    assert await destination_problem("https://a.hooks.example/send", public) is None
    assert await destination_problem("https://hooks.example.evil/send", public) is not None
    inside = HookPolicy(extra_hosts=policy.extra_hosts, resolver=resolving_to("192.168.0.9").resolver)
    assert "private address" in (await destination_problem("https://robot.corp.example/send", inside) or "")
    # Listing an internal address literally does not open it: only a test's explicit switch does.
    literal = HookPolicy(extra_hosts=frozenset({"10.9.9.9"}))
    assert "private address" in (await destination_problem("https://10.9.9.9/send", literal) or "")


async def test_a_failed_lookup_is_temporary() -> None:
    async def down(host: str, port: int) -> list[str]:
        raise OSError("Temporary failure in name resolution")

    with pytest.raises(RetryLater, match="could not be resolved"):
        await HookPolicy(resolver=down).check(WECOM_URL)


class Recorder:
    """A robot stand-in answering through MockTransport."""

    def __init__(self, answer: httpx.Response) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "127.0.0.1":
            return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})
        return self.answer


async def test_send_time_check_refuses_a_host_that_now_resolves_inside() -> None:
    recorder = Recorder(httpx.Response(200, json={"errcode": 0}))
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle)) as client:
        sender = WebhookSender(client, policy=resolving_to("127.0.0.1"))
        with pytest.raises(HookRefused, match=r"127\.0\.0\.1 is a loopback address"):
            await sender.send(WebhookTarget("wecom", WECOM_URL), "t", "m")
    assert recorder.requests == []


async def test_a_redirect_is_never_followed() -> None:
    redirect = httpx.Response(307, headers={"Location": "http://127.0.0.1:8080/admin/delete"})
    recorder = Recorder(redirect)
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle), follow_redirects=True) as client:
        sender = WebhookSender(client, policy=offline_policy())
        with pytest.raises(HookRefused, match="redirect"):
            await sender.send(WebhookTarget("wecom", WECOM_URL), "t", "m")
    assert [r.url.host for r in recorder.requests] == ["qyapi.weixin.qq.com"]


async def test_an_oversized_answer_is_not_read() -> None:
    huge = httpx.Response(200, content=json.dumps({"errcode": 0, "pad": "x" * 200_000}).encode())
    recorder = Recorder(huge)
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle)) as client:
        with pytest.raises(HookRefused, match="larger than 65536 bytes"):
            await WebhookSender(client, policy=offline_policy()).send(WebhookTarget("wecom", WECOM_URL), "t", "m")


async def test_a_slow_answer_is_cut_off_at_the_policy_time() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json={"errcode": 0})

    fast = HookPolicy(resolver=offline_policy().resolver, timeout=0.2)
    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(RetryLater, match="timed out"):
            await WebhookSender(client, policy=fast).send(WebhookTarget("wecom", WECOM_URL), "t", "m")
        assert loop.time() - started < 2
