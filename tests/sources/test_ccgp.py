"""ccgp: search paging with the ohtmlurls fallback, stop at known ids, backfill bounds, channels, details."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser

from tenderbot.models import SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.ccgp import CcgpSource, parse_search_page, source_id_of, summary_hints
from tenderbot.sources.fetch import Fetcher
from tests.replay_server import ReplayServer
from tests.sources.conftest import NOW, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
GUIZHOU = "ccgp-detail-guizhou-zbgg-2025-06-27.html"  # real, 2025-06-27
DETAIL_DIR = "/cggg/dfgg/gkzb/202611/"


def serve_search(replay: ReplayServer, pages: dict[int, str]) -> None:
    for number, name in pages.items():
        replay.add("GET", "/bxsearch", fixture_bytes(name), headers=HTML, query={"page_index": str(number)})


def serve_details(replay: ReplayServer, ids: list[int]) -> None:
    for number in ids:
        name = "ccgp-detail-vT-constructed.html" if number == 26500003 else "ccgp-detail-guizhou-zbgg-2025-06-27.html"
        day = {26500004: 22, 26500003: 22, 26500002: 21, 26500001: 20, 26500005: 22}[number]
        replay.add("GET", f"{DETAIL_DIR}t202611{day}_{number}.htm", fixture_bytes(name), headers=HTML)


def search_source(replay: ReplayServer, **config: object) -> CcgpSource:
    options = {"search_url": replay.url + "/bxsearch", "keywords": ["医疗设备"], "detail_host": replay.url}
    return CcgpSource(SourceConfig(name="ccgp", kind="ccgp", options=options, **config))  # type: ignore[arg-type]


def test_parse_search_page_reads_span_facts_and_ohtmlurls_fallback() -> None:
    page = parse_search_page(fixture_bytes("ccgp-search-page1-constructed.html").decode(),
                             base_url="http://search.ccgp.gov.cn/bxsearch", page_index=1)
    first, second = page.items
    assert first.source_id == "t20261122_26500004"
    assert second.source_id == "t20261122_26500003"  # the li's href was javascript:, ohtmlurls gave it
    assert second.url == "http://www.ccgp.gov.cn/cggg/dfgg/gkzb/202611/t20261122_26500003.htm"
    assert first.hints["buyer"] == "某市人民医院"
    assert first.hints["agency"] == "某招标代理有限公司"
    assert first.hints["notice_type_hint"] == "公开招标公告"
    assert first.hints["province"] == "江苏"
    assert first.title == "某市人民医院医疗设备采购项目公开招标公告"
    assert first.published_at is not None and first.published_at.hour == 10
    assert first.published_at.utcoffset() == timedelta(hours=8)
    assert first.key is not None and second.key is not None and first.key > second.key
    assert page.has_more  # Pager size 2, this is page 1


def test_source_id_of_detail_urls() -> None:
    url = "http://www.ccgp.gov.cn/cggg/dfgg/zbgg/202006/t20200619_14509569.htm"
    assert source_id_of(url)[0] == "t20200619_14509569"
    assert source_id_of("https://x/other.html") == ("https://x/other.html", None)
    assert source_id_of("/a/t20200101_9.htm")[1] < source_id_of("/a/t20200101_10.htm")[1]  # type: ignore[operator]


def test_summary_table_hints_from_real_page() -> None:
    hints = summary_hints(LexborHTMLParser(fixture_bytes(GUIZHOU).decode()))
    assert hints == {
        "buyer": "清镇市麦格苗族布依族乡人民政府",
        "province": "贵州",
        "agency": "贵州励柯工程咨询有限公司",
    }


def test_summary_table_budget_in_wan_yuan() -> None:
    hints = summary_hints(LexborHTMLParser(fixture_bytes("ccgp-detail-vT-constructed.html").decode()))
    assert Decimal(hints["budget_yuan"]) == Decimal("1205000")
    assert hints["province"] == "浙江"


async def test_search_pages_until_the_pager_ends(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500001, 26500002, 26500003, 26500004])
    result = await search_source(replay).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert result.ok, result.errors
    assert [n.source_id for n in result.notices] == [f"t202611{d}_{i}" for d, i in
                                                     ((20, 26500001), (21, 26500002), (22, 26500003), (22, 26500004))]
    hit = replay.hits("/bxsearch")[0]
    assert hit.param("kw") == "医疗设备" and hit.param("timeType") == "6"
    assert hit.param("start_time") == "2026:11:19" and hit.param("end_time") == "2026:11:22"
    assert [h.param("page_index") for h in replay.hits("/bxsearch")] == ["1", "2"]
    assert result.state.cursor is not None and result.state.cursor.endswith("26500004")
    vt = next(n for n in result.notices if n.source_id.endswith("26500003"))
    assert vt.title == "某大学分析仪器采购项目公开招标公告"
    assert vt.attachments == (replay.url + "/oss/download?id=abc",)
    real = result.notices[-1]
    assert real.url == f"{replay.url}{DETAIL_DIR}t20261122_26500004.htm"
    assert len(real.attachments) == 2 and real.attachments[0].endswith(".pdf")


async def test_second_poll_stops_at_known_items_and_restart_resumes(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500001, 26500002, 26500003, 26500004])
    first = await search_source(replay).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    searches = len(replay.hits("/bxsearch"))
    restarted = search_source(replay)  # a new process: only the saved state carries over
    second = await restarted.poll(fetcher, first.state, now=NOW + timedelta(minutes=20))
    assert second.ok and second.notices == ()
    assert len(replay.hits("/bxsearch")) == searches + 1  # page 1 only: it held known ids
    assert len(replay.hits(f"{DETAIL_DIR}t20261122_26500004.htm")) == 1


async def test_first_run_backfill_is_bounded_by_max_items(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500001, 26500002, 26500003, 26500004])
    result = await search_source(replay, max_items=3).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert len(result.notices) == 3
    assert "t20261120_26500001" not in {n.source_id for n in result.notices}


async def test_first_run_backfill_is_bounded_by_max_pages(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500003, 26500004])
    result = await search_source(replay, max_pages=1).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert len(result.notices) == 2
    assert [h.param("page_index") for h in replay.hits("/bxsearch")] == ["1"]


async def test_first_run_backfill_is_bounded_by_days(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500002, 26500003, 26500004])
    result = await search_source(replay, backfill_days=1).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    # since = 2026-11-21 18:00: the 11-21 16:00 and 11-20 items are older than the window.
    assert sorted(n.source_id for n in result.notices) == ["t20261122_26500003", "t20261122_26500004"]


async def test_rate_limit_page_blocks_and_backs_off(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/bxsearch", "<html><head><title>访问过于频繁</title></head><body>请稍后再试</body></html>",
               headers=HTML)
    result = await search_source(replay).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert not result.ok and result.state.failures == 1
    assert "BlockedError" in (result.state.last_error or "")
    assert result.state.backoff_until is not None and result.state.backoff_until - NOW >= timedelta(minutes=30)
    assert len(replay.hits("/bxsearch")) == 1


async def test_blocked_detail_keeps_earlier_notices_and_backs_off(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500001, 26500002])
    challenge = '<html><body><script src="/_bot_sbu/sbu_fpcm.js">x</script></body></html>'
    replay.add("GET", f"{DETAIL_DIR}t20261122_26500003.htm", challenge, headers=HTML)
    result = await search_source(replay).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert not result.ok
    assert [n.source_id for n in result.notices] == ["t20261120_26500001", "t20261121_26500002"]
    assert replay.hits(f"{DETAIL_DIR}t20261122_26500004.htm") == []  # stopped after the block
    assert set(result.state.seen) == {"t20261120_26500001", "t20261121_26500002"}
    assert result.state.backoff_until is not None


async def test_error_page_on_one_detail_keeps_the_others(replay: ReplayServer, fetcher: Fetcher) -> None:
    serve_search(replay, {1: "ccgp-search-page1-constructed.html", 2: "ccgp-search-page2-constructed.html"})
    serve_details(replay, [26500001, 26500002, 26500004])
    replay.add("GET", f"{DETAIL_DIR}t20261122_26500003.htm",
               "<html><head><title>错误页面！中国政府采购网</title></head><body>"
               + "页面不存在。" * 50 + "</body></html>",
               headers=HTML)
    result = await search_source(replay).poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert result.ok and len(result.notices) == 3
    assert len(result.errors) == 1 and "error page" in result.errors[0]
    assert "t20261122_26500003" not in result.state.seen


async def test_channel_pages(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/cggg/dfgg/gkzb/index.htm", fixture_bytes("ccgp-channel-constructed.html"), headers=HTML)
    for number in (26500011, 26500012):
        replay.add("GET", f"/cggg/dfgg/gkzb/202611/t20261122_{number}.htm", fixture_bytes(GUIZHOU),
                   headers=HTML)
    source = CcgpSource(SourceConfig(name="ccgp-ch", kind="ccgp",
                                     options={"channels": [replay.url + "/cggg/dfgg/gkzb/index.htm"]}))
    result = await source.poll(fetcher, SourceState(name="ccgp-ch"), now=NOW)
    assert result.ok, result.errors
    assert [n.source_id for n in result.notices] == ["t20261122_26500011", "t20261122_26500012"]
    assert replay.hits("/cggg/dfgg/gkzb/index_1.htm") == []  # a short page is the last page


async def test_one_broken_keyword_does_not_lose_the_others(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/bxsearch", "down", status=500, query={"kw": "仪器"})
    for number, name in ((1, "ccgp-search-page1-constructed.html"), (2, "ccgp-search-page2-constructed.html")):
        query = {"kw": "医疗设备", "page_index": str(number)}
        replay.add("GET", "/bxsearch", fixture_bytes(name), headers=HTML, query=query)
    serve_details(replay, [26500001, 26500002, 26500003, 26500004])
    source = CcgpSource(SourceConfig(name="ccgp", kind="ccgp", options={
        "search_url": replay.url + "/bxsearch", "keywords": ["仪器", "医疗设备"], "detail_host": replay.url}))
    result = await source.poll(fetcher, SourceState(name="ccgp"), now=NOW)
    assert len(result.notices) == 4
    assert not result.ok and result.state.failures == 1 and result.state.last_notice_at == NOW
    assert result.errors[0].startswith("listing: FetchError") and "500" in result.errors[0]
    assert set(result.state.seen) == {n.source_id for n in result.notices}


async def test_empty_search_result_is_a_healthy_poll(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/bxsearch", fixture_bytes("ccgp-search-empty-constructed.html"), headers=HTML)
    result = await search_source(replay).poll(fetcher, SourceState(name="ccgp", failures=2), now=NOW)
    assert result.ok and result.notices == () and result.state.failures == 0
    assert len(replay.hits("/bxsearch")) == 1


def channel_html(ids: list[int]) -> str:
    rows = "".join(f'<li><a href="./202611/t20261122_{i}.htm" title="医疗设备公告{i}">医疗设备公告{i}</a>'
                   f"<em>2026-11-22 10:00</em><em>江苏</em><em>某医院</em></li>" for i in ids)
    return f'<html><head><meta charset="utf-8"></head><body><ul class="c_list_bid">{rows}</ul></body></html>'


async def test_channel_pages_index_then_index_1(replay: ReplayServer, fetcher: Fetcher) -> None:
    first_page = list(range(26600040, 26600020, -1))  # a full page of 20
    replay.add("GET", "/cggg/zygg/index.htm", channel_html(first_page), headers=HTML)
    replay.add("GET", "/cggg/zygg/index_1.htm", channel_html([26600020, 26600019]), headers=HTML)
    for number in [*first_page, 26600020, 26600019]:
        replay.add("GET", f"/cggg/zygg/202611/t20261122_{number}.htm", fixture_bytes(GUIZHOU),
                   headers=HTML)
    options = {"channels": [replay.url + "/cggg/zygg/index.htm"]}
    source = CcgpSource(SourceConfig(name="ch", kind="ccgp", options=options))
    result = await source.poll(fetcher, SourceState(name="ch"), now=NOW)
    assert result.ok and len(result.notices) == 22
    assert len(replay.hits("/cggg/zygg/index_1.htm")) == 1
    assert replay.hits("/cggg/zygg/index_2.htm") == []
    assert result.notices[0].source_id == "t20261122_26600019"
