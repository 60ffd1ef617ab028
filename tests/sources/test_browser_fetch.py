"""`fetch: browser`: a system Chromium passes a JavaScript cookie challenge, the plain client carries on.

Skips when Playwright or Chromium is missing, except under CI=true, where it must run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest

from tenderbot.errors import BlockedError
from tenderbot.models import SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.browser import BrowserSession, browser_unavailable
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.html_list import HtmlListSource
from tests.replay_server import Hit, ReplayServer
from tests.sources.conftest import NOW

MISSING = browser_unavailable()
pytestmark = pytest.mark.skipif(
    MISSING is not None and os.environ.get("CI") != "true",
    reason=f"browser fetch needs Playwright and a system Chromium: {MISSING}",
)
HTML = {"Content-Type": "text/html; charset=utf-8"}
COOKIE = "acw_sc__v2=5f3a9c"
# Shaped like an Alibaba Cloud WAF answer: HTTP 200, `var arg1=`, the cookie set only by JavaScript.
CHALLENGE = ("<html><head></head><body><script>var arg1='3B4C4F8E1A2D';"
             f"document.cookie='{COOKIE}; path=/';location.reload();</script></body></html>")
LIST = ('<html><head><meta charset="utf-8"></head><body><ul class="list">'
        '<li><a href="/n/1.html">某医院监护仪采购公告</a><span class="date">2026-11-22</span></li>'
        "</ul></body></html>")
NOTICE = "<html><body><div class=content>某医院监护仪采购公告 预算金额：80万元 采购人：某医院</div></body></html>"


def guarded(content: str):  # type: ignore[no-untyped-def]
    """A body that is the challenge until the request carries the cookie."""

    def answer(hit: Hit) -> str:
        return content if COOKIE in (hit.header("Cookie") or "") else CHALLENGE

    return answer


@pytest.fixture
async def browser_fetcher() -> AsyncIterator[tuple[Fetcher, httpx.AsyncClient]]:
    if MISSING:
        pytest.fail(f"CI=true but the browser fetch cannot run: {MISSING}")
    async with httpx.AsyncClient(timeout=10.0) as client:
        session = BrowserSession(client, user_agent="Mozilla/5.0 (tenderbot test)", timeout=20.0)
        try:
            yield Fetcher(client, user_agent="Mozilla/5.0 (tenderbot test)", min_delay=0.0, retries=0,
                          browser=session), client
        finally:
            await session.aclose()


async def test_browser_passes_a_js_cookie_challenge_and_shares_the_cookie(
    replay: ReplayServer, browser_fetcher: tuple[Fetcher, httpx.AsyncClient]
) -> None:
    fetcher, client = browser_fetcher
    replay.add("GET", "/list.html", guarded(LIST), headers=HTML)
    replay.add("GET", "/n/1.html", guarded(NOTICE), headers=HTML)
    options = {"base_url": replay.url, "list_url": "/list.html", "item": "ul.list li", "date": "span.date",
               "body": "div.content"}
    plain = HtmlListSource(SourceConfig(name="plain", kind="html_list", options=options))
    blocked = await plain.poll(fetcher, SourceState(name="plain"), now=NOW)
    assert not blocked.ok and "acw_sc__v2" in (blocked.state.last_error or "")  # without the browser: a block

    source = HtmlListSource(SourceConfig(name="js", kind="html_list", options={**options, "fetch": "browser"}))
    result = await source.poll(fetcher, SourceState(name="js"), now=NOW)
    assert result.ok, result.errors
    (notice,) = result.notices
    assert "监护仪" in notice.text
    assert client.cookies.get("acw_sc__v2") == "5f3a9c"  # earned in Chromium, now in the httpx jar
    detail_hits = replay.hits("/n/1.html")
    assert len(detail_hits) == 1 and COOKIE in (detail_hits[0].header("Cookie") or "")  # no browser needed


async def test_a_challenge_the_browser_cannot_pass_stays_a_block(
    replay: ReplayServer, browser_fetcher: tuple[Fetcher, httpx.AsyncClient]
) -> None:
    fetcher, _ = browser_fetcher
    captcha = "<html><head><title>验证码</title></head><body><img src='/c.png'> 请输入验证码</body></html>"
    replay.add("GET", "/captcha.html", captcha, headers=HTML)
    session = fetcher._browser
    assert session is not None
    session._timeout = 2.0
    with pytest.raises(BlockedError, match="still a challenge in the browser"):
        await fetcher.for_options({"fetch": "browser"}).get(replay.url + "/captcha.html")
