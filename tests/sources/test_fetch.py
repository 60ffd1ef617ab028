"""Fetcher: retries, 304, block pages, encodings, per-host politeness."""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest

from tenderbot.errors import BlockedError, FetchError, NotModified
from tenderbot.sources.fetch import Fetcher
from tests.replay_server import ReplayServer
from tests.sources.conftest import FakeClock, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
GUIZHOU = "ccgp-detail-guizhou-zbgg-2025-06-27.html"  # real, 2025-06-27


async def test_5xx_then_success_retries_with_exponential_backoff(replay: ReplayServer, clock: FakeClock) -> None:
    replay.add("GET", "/flaky", "down", status=502, times=2)
    replay.add("GET", "/flaky", "<html><body>fine</body></html>", headers=HTML)
    async with httpx.AsyncClient() as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=0, retries=3, backoff_base=1.5, sleep=clock.sleep,
                          clock=clock, jitter=lambda: 0.0)
        page = await fetcher.get(replay.url + "/flaky")
    assert page.status == 200
    assert len(replay.hits("/flaky")) == 3
    assert clock.sleeps == [1.5, 3.0]  # backoff_base, then twice that


async def test_5xx_gives_up_after_retries(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/down", "down", status=500)
    with pytest.raises(FetchError, match="HTTP 500"):
        await fetcher.get(replay.url + "/down")
    assert len(replay.hits("/down")) == 3  # first try + retries=2


async def test_timeout_is_retried_then_fetch_error(replay: ReplayServer, clock: FakeClock) -> None:
    replay.add("GET", "/slow", "late", delay=0.5)
    async with httpx.AsyncClient(timeout=0.1) as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=0, retries=1, sleep=clock.sleep, clock=clock)
        with pytest.raises(FetchError, match="Timeout"):
            await fetcher.get(replay.url + "/slow")
    assert len(replay.hits("/slow")) == 2


async def test_timeout_then_success(replay: ReplayServer, clock: FakeClock) -> None:
    replay.add("GET", "/slow", "late", delay=0.5, times=1)
    replay.add("GET", "/slow", "<html><body>on time</body></html>", headers=HTML)
    async with httpx.AsyncClient(timeout=0.2) as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=0, retries=2, sleep=clock.sleep, clock=clock)
        page = await fetcher.get(replay.url + "/slow")
    assert b"on time" in page.content


async def test_connection_refused_is_fetch_error(clock: FakeClock) -> None:
    async with httpx.AsyncClient(timeout=1) as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=0, retries=1, sleep=clock.sleep, clock=clock)
        with pytest.raises(FetchError):
            await fetcher.get("http://127.0.0.1:9/nothing")


async def test_etag_304_raises_not_modified(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed", "<rss/>", etag='"v1"')
    page = await fetcher.get(replay.url + "/feed")
    assert page.headers["etag"] == '"v1"'
    with pytest.raises(NotModified):
        await fetcher.get(replay.url + "/feed", etag='"v1"')
    assert replay.hits("/feed")[1].header("If-None-Match") == '"v1"'


async def test_other_4xx_is_fetch_error_without_retry(replay: ReplayServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="404") as info:
        await fetcher.get(replay.url + "/missing")
    assert not isinstance(info.value, BlockedError)
    assert len(replay.hits("/missing")) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("<html><head><title>安全验证</title></head><body><div id=captcha></div></body></html>", 200),
        ("<html><head><title>提示</title></head><body>访问过于频繁，请稍后再试</body></html>", 200),
        ("<html><head><title>请输入验证码</title></head><body><img src=/code.jpg></body></html>", 200),
        ("<html><body>slow down</body></html>", 429),
        ("<html><head><title>403 Forbidden</title></head><body>访问受限</body></html>", 403),
        ("<html><body>firewall</body></html>", 412),
        (
            '<html><body><script id="keyparam" src="/_bot_sbu/sbu_fpcm.js">abc</script>'
            '<script>document.cookie="HOY_TR=1"</script></body></html>',
            200,
        ),
    ],
)
async def test_block_pages_raise_blocked(replay: ReplayServer, fetcher: Fetcher, body: str, status: int) -> None:
    replay.add("GET", "/p", body, status=status, headers=HTML)
    with pytest.raises(BlockedError):
        await fetcher.get(replay.url + "/p")
    assert len(replay.hits("/p")) == 1  # never hammer a block page


async def test_real_ccgp_detail_with_bot_scripts_is_not_blocked(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/d.htm", fixture_bytes(GUIZHOU), headers=HTML)
    page = await fetcher.get(replay.url + "/d.htm")
    assert "/_bot_sbu/" in fetcher.text(page)
    assert "清镇市" in fetcher.text(page)


async def test_gbk_page_without_header_charset_uses_meta(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/gbk", fixture_bytes("gbk-list-constructed.html"), headers={"Content-Type": "text/html"})
    page = await fetcher.get(replay.url + "/gbk")
    text = fetcher.text(page)
    assert "医疗设备采购项目公开招标公告" in text
    assert page.encoding == "gb18030"


async def test_gb2312_header_decodes_gbk_only_characters(replay: ReplayServer, fetcher: Fetcher) -> None:
    # 镕 is in GBK but not GB2312: a strict gb2312 decode would fail on it.
    body = "<html><body>朱镕基医院 彩色多普勒超声诊断仪</body></html>".encode("gbk")
    replay.add("GET", "/g", body, headers={"Content-Type": "text/html; charset=gb2312"})
    page = await fetcher.get(replay.url + "/g")
    assert "朱镕基医院" in fetcher.text(page)


async def test_undeclared_gbk_falls_back_to_gb18030(replay: ReplayServer, fetcher: Fetcher) -> None:
    body = "<html><body>监护仪 采购</body></html>".encode("gbk")
    replay.add("GET", "/g", body, headers={"Content-Type": "text/html"})
    assert "监护仪" in fetcher.text(await fetcher.get(replay.url + "/g"))


async def test_user_agent_is_sent(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/ua", "<html><body>x</body></html>")
    await fetcher.get(replay.url + "/ua")
    assert replay.hits("/ua")[0].header("User-Agent") == "tenderbot-test/1.0 (+tests)"


async def test_min_delay_between_requests_to_one_host(replay: ReplayServer, clock: FakeClock) -> None:
    replay.add("GET", "/a", "<html><body>a</body></html>")
    starts: list[float] = []

    async def recording(request: httpx.Request) -> httpx.Response:
        starts.append(clock())
        return httpx.Response(200, text="<html><body>ok</body></html>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(recording)) as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=2.0, sleep=clock.sleep, clock=clock,
                          jitter=lambda: 0.5)
        await asyncio.gather(*(fetcher.get(f"http://portal.example/{i}") for i in range(5)))
        await fetcher.get("http://other.example/x")  # another host is not held back
    gaps = [b - a for a, b in itertools.pairwise(starts[:5])]
    assert gaps and min(gaps) >= 2.0
    assert min(gaps) == pytest.approx(2.5)  # min_delay + jitter share
    assert starts[5] == starts[4]  # a different host does not wait for portal.example


async def test_never_more_than_max_in_flight_per_host() -> None:
    in_flight = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}

    async def slow(request: httpx.Request) -> httpx.Response:
        host = request.url.host[0]
        in_flight[host] += 1
        peak[host] = max(peak[host], in_flight[host])
        await asyncio.sleep(0.02)
        in_flight[host] -= 1
        return httpx.Response(200, text="<html><body>ok</body></html>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=0.0, max_in_flight=2)
        await asyncio.gather(
            *(fetcher.get(f"http://a.example/{i}") for i in range(8)),
            *(fetcher.get(f"http://b.example/{i}") for i in range(8)),
        )
    assert peak == {"a": 2, "b": 2}


async def test_politeness_is_shared_across_callers(clock: FakeClock) -> None:
    starts: list[float] = []

    async def record(request: httpx.Request) -> httpx.Response:
        starts.append(clock())
        return httpx.Response(200, text="<html><body>ok</body></html>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(record)) as client:
        fetcher = Fetcher(client, user_agent="t", min_delay=3.0, sleep=clock.sleep, clock=clock, jitter=lambda: 0.0)
        # Two "sources" hitting the same host through one Fetcher.
        await asyncio.gather(fetcher.get("http://h.example/list"), fetcher.post("http://h.example/api", json={}))
    assert starts[1] - starts[0] >= 3.0


async def test_redirects_are_followed(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/old", "", status=301, headers={"Location": "/new"})
    replay.add("GET", "/new", "<html><body>moved here</body></html>", headers=HTML)
    page = await fetcher.get(replay.url + "/old")
    assert page.url == replay.url + "/new" and b"moved here" in page.content
