"""The source contract, run over every entry of SOURCE_CLASSES against the replay server."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pytest

from tenderbot.errors import ConfigError
from tenderbot.models import SourceState
from tenderbot.sources.base import Source, SourceConfig
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.registry import SOURCE_CLASSES, build_sources
from tests.replay_server import ReplayServer
from tests.sources.conftest import BEIJING, NOW, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
GUIZHOU = "ccgp-detail-guizhou-zbgg-2025-06-27.html"  # real, 2025-06-27
JSON = {"Content-Type": "application/json;charset=UTF-8"}
Setup = Callable[[ReplayServer, bool], tuple[SourceConfig, datetime]]


def feed(replay: ReplayServer, serve: bool) -> tuple[SourceConfig, datetime]:
    if serve:
        items = "".join(
            f"<item><title>监护仪采购 {i}</title><link>{replay.url}/n/{i}.html</link>"
            f"<pubDate>Sat, 21 Nov 2026 0{i}:00:00 +0800</pubDate></item>" for i in (2, 1)
        )
        replay.add("GET", "/feed.xml", f"<rss version='2.0'><channel>{items}</channel></rss>",
                   headers={"Content-Type": "application/rss+xml"}, etag='"f1"')
        for i in (1, 2):
            replay.add("GET", f"/n/{i}.html", fixture_bytes(GUIZHOU), headers=HTML)
    return SourceConfig(name="c-feed", kind="feed", options={"base_url": replay.url, "url": "/feed.xml"}), NOW


def ccgp(replay: ReplayServer, serve: bool) -> tuple[SourceConfig, datetime]:
    if serve:
        for number, name in ((1, "ccgp-search-page1-constructed.html"), (2, "ccgp-search-page2-constructed.html")):
            replay.add("GET", "/bxsearch", fixture_bytes(name), headers=HTML, query={"page_index": str(number)})
        for day, number in ((22, 26500004), (22, 26500003), (21, 26500002), (20, 26500001)):
            replay.add("GET", f"/cggg/dfgg/gkzb/202611/t202611{day}_{number}.htm",
                       fixture_bytes(GUIZHOU), headers=HTML)
    options = {"base_url": replay.url, "keywords": ["医疗设备"]}  # search at /bxsearch, details rehosted
    return SourceConfig(name="c-ccgp", kind="ccgp", options=options), NOW


def zcy(replay: ReplayServer, serve: bool) -> tuple[SourceConfig, datetime]:
    if serve:
        # Real 浙江 list and detail responses for the same article; the doc author cut the detail's
        # content, so the real 广西 content string stands in for it.
        detail = json.loads(fixture_bytes("zcy-zhejiang-detail-excerpt.json"))
        detail["result"]["data"]["content"] = fixture_bytes("zcy-guangxi-detail-content-2021.html").decode()
        replay.add("POST", "/portal/category", fixture_bytes("zcy-zhejiang-category-list-excerpt.json"), headers=JSON)
        replay.add("GET", "/portal/detail", json.dumps(detail, ensure_ascii=False), headers=JSON)
    options = {"base_url": replay.url, "category_codes": ["110-600268"]}
    return SourceConfig(name="c-zcy", kind="zcy", options=options), datetime(2025, 5, 27, 9, 0, tzinfo=BEIJING)


def epoint(replay: ReplayServer, serve: bool) -> tuple[SourceConfig, datetime]:
    if serve:
        listing = fixture_bytes("epoint-hebei-list-2017-12-a.json")  # real 河北 response, 2017-12-26
        replay.add("POST", "/inteligentsearch/rest/esinteligentsearch/getFullTextDataNew", listing, headers=JSON)
        for record in json.loads(listing)["result"]["records"]:
            replay.add("GET", record["linkurl"], fixture_bytes("epoint-detail-constructed.html"), headers=HTML)
    options = {"base_url": replay.url, "search_path": "/inteligentsearch/rest/esinteligentsearch/getFullTextDataNew",
               "category": "003005002004", "province": "河北"}
    return SourceConfig(name="c-epoint", kind="epoint", options=options), datetime(2017, 12, 27, 9, tzinfo=BEIJING)


def ggzy(replay: ReplayServer, serve: bool) -> tuple[SourceConfig, datetime]:
    if serve:
        replay.add("POST", "/information/pubTradingInfo/getTradList",
                   fixture_bytes("ggzy-gettradlist-2026-constructed.json"), headers=JSON)
        for path in ("/information/deal/html/b/320000/0201/20261122/9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0.html",
                     "/information/deal/html/b/330000/0202/20261121/7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f.html"):
            replay.add("GET", path, fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
    return SourceConfig(name="c-ggzy", kind="ggzy", options={"base_url": replay.url}), NOW


def html_list(replay: ReplayServer, serve: bool) -> tuple[SourceConfig, datetime]:
    if serve:
        gbk = fixture_bytes("gbk-list-constructed.html")  # charset only in <meta>
        replay.add("GET", "/list.html", gbk, headers={"Content-Type": "text/html"})
        for number in (1001, 1002, 1003):
            replay.add("GET", f"/notice/{number}.html", fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
    options = {"base_url": replay.url, "list_url": "/list.html", "item": "ul.list li", "date": "span.date",
               "body": "#mycontent"}
    return SourceConfig(name="c-html", kind="html_list", options=options), NOW


SCENARIOS: dict[str, Setup] = {
    "feed": feed, "ccgp": ccgp, "zcy": zcy, "epoint": epoint, "ggzy": ggzy, "html_list": html_list,
}


def test_every_registered_kind_has_a_contract_scenario() -> None:
    kinds = [cls.kind for cls in SOURCE_CLASSES]
    assert len(kinds) == len(set(kinds))
    assert sorted(kinds) == sorted(SCENARIOS)


# Each kind's options as they point at the real portals; ``base_url`` must move every request of the
# kind onto the stand-in (LocalOnlyTransport fails the test on any request that leaves 127.0.0.1).
REAL_HOSTS: dict[str, dict[str, object]] = {
    "feed": {"url": "https://www.example.org/feed.xml"},
    "ccgp": {"search_url": "http://search.ccgp.gov.cn/bxsearch", "keywords": ["医疗设备"]},
    "zcy": {"category_codes": ["110-600268"]},
    "epoint": {"search_path": "/inteligentsearch/rest/esinteligentsearch/getFullTextDataNew",
               "category": "003005002004", "province": "河北"},
    "ggzy": {},
    "html_list": {"list_url": "https://www.example-hospital.cn/list.html", "item": "ul.list li",
                  "date": "span.date", "body": "#mycontent"},
}


def test_every_kind_has_a_base_url_scenario() -> None:
    assert sorted(REAL_HOSTS) == sorted(cls.kind for cls in SOURCE_CLASSES)


@pytest.mark.parametrize("source_class", SOURCE_CLASSES, ids=lambda cls: cls.kind)
async def test_base_url_moves_every_request_onto_the_stand_in(
    source_class: type[Source], replay: ReplayServer, fetcher: Fetcher
) -> None:
    config, now = SCENARIOS[source_class.kind](replay, True)
    options = {**REAL_HOSTS[source_class.kind], "base_url": replay.url}
    (source,) = build_sources([SourceConfig(name=config.name, kind=config.kind, options=options)])
    result = await source.poll(fetcher, SourceState(name=config.name), now=now)
    assert result.ok, result.errors
    assert result.notices and all(n.url.startswith(replay.url) for n in result.notices)


@pytest.mark.parametrize("source_class", SOURCE_CLASSES, ids=lambda cls: cls.kind)
async def test_source_contract(source_class: type[Source], replay: ReplayServer, fetcher: Fetcher) -> None:
    config, now = SCENARIOS[source_class.kind](replay, True)
    (source,) = build_sources([config])
    assert isinstance(source, source_class) and source.name == config.name
    empty = SourceState(name=config.name)

    first = await source.poll(fetcher, empty, now=now)
    assert first.ok, first.errors
    assert first.errors == ()
    assert first.notices, "a source must yield notices from its fixtures"
    for notice in first.notices:
        assert notice.source == config.name
        assert notice.source_id and notice.url.startswith(replay.url)
        assert notice.text
    assert len({n.source_id for n in first.notices}) == len(first.notices)
    assert first.state != empty and first.state.name == config.name
    assert set(first.state.seen) >= {n.source_id for n in first.notices}
    assert first.state.last_success == now and first.state.failures == 0

    second = await source.poll(fetcher, first.state, now=now.replace(minute=30))
    assert second.ok and second.notices == ()

    with ReplayServer() as dead:  # every path answers 404: the listing fails
        failing_config, _ = SCENARIOS[source_class.kind](dead, False)
        (failing,) = build_sources([failing_config])
        broken = await failing.poll(fetcher, first.state, now=now.replace(minute=45))
    assert not broken.ok and broken.notices == ()
    assert broken.state.failures == first.state.failures + 1
    assert broken.state.last_error and broken.state.backoff_until is not None
    assert broken.state.seen == first.state.seen  # a failure forgets nothing


@pytest.mark.parametrize("source_class", SOURCE_CLASSES, ids=lambda cls: cls.kind)
async def test_check_reads_one_listing_and_one_detail(
    source_class: type[Source], replay: ReplayServer, fetcher: Fetcher
) -> None:
    config, now = SCENARIOS[source_class.kind](replay, True)
    (source,) = build_sources([config])
    report = await source.check(fetcher, now=now)
    assert report.ok, report.lines
    assert any(line.startswith("detail:") for line in report.lines)
    with ReplayServer() as dead:
        failing_config, _ = SCENARIOS[source_class.kind](dead, False)
        (failing,) = build_sources([failing_config])
        bad = await failing.check(fetcher, now=now)
    assert not bad.ok and "FAILED" in bad.lines[-1]




def test_the_scheduler_jitter_defaults_to_a_tenth_of_the_interval() -> None:
    from tenderbot.sources.base import SourceConfig

    assert SourceConfig(name="a", kind="feed", interval_seconds=600).jitter == 60
    assert SourceConfig(name="a", kind="feed", interval_seconds=60).jitter == 6
    assert SourceConfig(name="a", kind="feed", interval_seconds=600, jitter_seconds=0).jitter == 0


def _class(kind: str) -> type[Source]:
    return next(cls for cls in SOURCE_CLASSES if cls.kind == kind)


@pytest.mark.parametrize("kind", ["ggzy", "epoint", "zcy"])
def test_base_url_is_the_option_without_its_trailing_slash(kind: str) -> None:
    source = _class(kind)(SourceConfig(name=f"b-{kind}", kind=kind,
                                               options={"base_url": " https://mirror.example/ "}))
    assert source.base_url == "https://mirror.example"


def test_base_url_defaults_to_the_portal_or_is_required() -> None:
    assert _class("ggzy")(SourceConfig(name="d-ggzy", kind="ggzy")).base_url == "https://www.ggzy.gov.cn"
    with pytest.raises(ConfigError, match="base_url"):
        _ = _class("zcy")(SourceConfig(name="d-zcy", kind="zcy")).base_url
