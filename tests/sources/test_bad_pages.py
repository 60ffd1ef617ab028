"""Issues 15/16: a pathological detail page or JSON answer costs a source no more than any page."""

from __future__ import annotations

import time

import httpx
import pytest

from tenderbot.errors import ParseError
from tenderbot.models import RawPage, SourceState
from tenderbot.sources.fetch import Fetcher
from tests.replay_server import ReplayServer
from tests.sources.conftest import NOW
from tests.sources.test_ccgp import DETAIL_DIR, HTML, search_source, serve_details, serve_search

# 500 KB of unclosed <div>: lexbor alone took 22 s on it, on the event loop (issue 16).
DEEP_PAGE = ("<html><head><title>某医院CT采购公告_中国政府采购网</title></head><body>"
             '<div class="vF_detail_content"><p>项目编号：ZB-2026-9</p>' + "<div>" * 100_000 + "</body></html>")


async def test_a_deeply_nested_detail_page_is_parsed_within_bounds(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500001, 26500002, 26500004])
    replay.add("GET", f"{DETAIL_DIR}t20261122_26500003.htm", DEEP_PAGE, headers=HTML)
    started = time.process_time()
    result = await search_source(replay).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert time.process_time() - started < 5  # seconds of CPU for the whole poll of four pages
    assert result.ok and len(result.notices) == 4
    assert "ZB-2026-9" in {notice.project_code for notice in result.notices}


@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"a":' * 2000 + b"1" + b"}" * 2000])
async def test_a_deeply_nested_json_answer_is_a_parse_error(body: bytes) -> None:
    async with httpx.AsyncClient() as client:
        fetcher = Fetcher(client, user_agent="tenderbot-test/1.0")
        page = RawPage(url="https://zcy.test/api", status=200, content=body, headers={})
        with pytest.raises(ParseError, match="nested more than 64"):
            fetcher.json(page)
