"""ccgp as 2026 crawlers meet it: summary channels with em[rel=bxlx], the Pager script, #noticeArea details."""

from __future__ import annotations

from datetime import datetime

from tenderbot.models import NoticeType, SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.ccgp import CcgpSource, parse_channel_page, parse_search_page
from tenderbot.sources.fetch import Fetcher
from tests.replay_server import ReplayServer
from tests.sources.conftest import BEIJING, NOW, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
GUIZHOU = "ccgp-detail-guizhou-zbgg-2025-06-27.html"  # real, 2025-06-27
SUMMARY = "http://www.ccgp.gov.cn/cggg/dfgg/"


def test_summary_rows_put_type_date_region_and_buyer_in_their_places() -> None:
    page = parse_channel_page(fixture_bytes("ccgp-summary-dfgg-constructed.html").decode(), base_url=SUMMARY)
    first, empty_region, third = page.items
    assert first.url == "http://www.ccgp.gov.cn/cggg/dfgg/zbgg/202611/t20261122_26500102.htm"
    assert first.title == "某市人民医院全自动生化分析仪采购项目中标公告"  # the title attribute, not the cut text
    assert first.published_at == datetime(2026, 11, 22, 15, 30, tzinfo=BEIJING)
    assert first.hints["buyer"] == "某市人民医院"  # before: the region "江苏" landed here
    assert first.hints["province"] == "江苏" and first.hints["notice_type_hint"] == "中标公告"
    assert empty_region.hints["buyer"] == "雄安新区某医院" and "province" not in empty_region.hints
    assert third.hints["province"] == "浙江"


def test_pager_script_decides_paging_not_the_row_count() -> None:
    html = fixture_bytes("ccgp-summary-dfgg-constructed.html").decode()
    assert "font-size:18px" in html  # the unanchored regex read this as "size: 18"
    assert parse_channel_page(html, base_url=SUMMARY, page_index=1).has_more  # 3 rows, but 25 pages
    last = html.replace("current:0", "current:24")
    assert not parse_channel_page(last, base_url=SUMMARY, page_index=25).has_more
    reordered = html.replace("Pager({size:25, current:0,", "Pager({current: 3, size: '25',")
    assert parse_channel_page(reordered, base_url=SUMMARY, page_index=4).has_more
    css_only = html.replace("Pager({size:25, current:0, prefix:'index', suffix:'htm'});", "")
    assert not parse_channel_page(css_only, base_url=SUMMARY).has_more  # 3 < 20 rows, and no size:18 guess
    search = ('<style>a{font-size:18px}</style><ul class="vT-srch-result-list-bid"><li>'
              '<a href="http://www.ccgp.gov.cn/cggg/dfgg/gkzb/202611/t20261122_1.htm">x</a></li></ul>')
    assert not parse_search_page(search, base_url="http://search.ccgp.gov.cn/bxsearch", page_index=1).has_more


async def test_summary_channel_on_base_url_reads_noticearea_details(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/cggg/dfgg/", fixture_bytes("ccgp-summary-dfgg-constructed.html"), headers=HTML)
    replay.add("GET", "/cggg/dfgg/zbgg/202611/t20261122_26500102.htm",
               fixture_bytes(GUIZHOU), headers=HTML)
    replay.add("GET", "/cggg/dfgg/gkzb/202611/t20261122_26500101.htm",
               fixture_bytes("ccgp-detail-noticearea-constructed.html"), headers=HTML)
    replay.add("GET", "/cggg/dfgg/jzxcs/202611/t20261121_26500100.htm",
               fixture_bytes("ccgp-detail-jinan-zbgg-2025-07-14-excerpt.html"), headers=HTML)
    options = {"base_url": replay.url, "channels": ["/cggg/dfgg/"]}
    source = CcgpSource(SourceConfig(name="ccgp-sum", kind="ccgp", max_pages=1, options=options))
    result = await source.poll(fetcher, SourceState(name="ccgp-sum"), now=NOW)
    assert result.ok, result.errors
    by_id = {n.source_id: n for n in result.notices}
    assert set(by_id) == {"t20261122_26500102", "t20261122_26500101", "t20261121_26500100"}
    modern = by_id["t20261122_26500101"]
    assert modern.title == "某市人民医院全自动生化分析仪采购项目公开招标公告"
    assert modern.published_at == datetime(2026, 11, 22, 15, 30, tzinfo=BEIJING)
    assert modern.notice_type is NoticeType.TENDER
    assert modern.budget is not None and modern.budget.amount == 1865000
    assert modern.buyer is not None and modern.buyer.name == "某市人民医院"  # the page's 采购人信息
    jinan = by_id["t20261121_26500100"]  # real Shandong legacy-table page (2025-07-14 excerpt)
    assert jinan.notice_type is NoticeType.AWARD and jinan.buyer is not None and "济南大学" in jinan.buyer.name
    hit = replay.hits("/cggg/dfgg/")[0]
    assert hit.header("Referer") == replay.url + "/"
