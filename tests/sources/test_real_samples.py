"""Every real 2017-2026 portal sample (tests/fixtures/sources and those kept in the corpus, conftest.IN_CORPUS)
runs through its adapter (provenance: tests/fixtures/sources/README.md)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest

from tenderbot.models import Notice, SourceState
from tenderbot.sources.base import Source, SourceConfig
from tenderbot.sources.ccgp import CcgpSource
from tenderbot.sources.epoint import EpointSource
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.ggzy import GgzySource
from tenderbot.sources.zcy import ZcySource
from tests.replay_server import ReplayServer
from tests.sources.conftest import BEIJING, CORPUS, FIXTURES, IN_CORPUS, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
JSON = {"Content-Type": "application/json;charset=UTF-8"}
Run = Callable[[ReplayServer, Fetcher], Awaitable[list[Notice]]]


async def _poll(source: Source, fetcher: Fetcher, now: datetime) -> list[Notice]:
    result = await source.poll(fetcher, SourceState(name=source.name), now=now)
    assert result.ok, result.errors
    return list(result.notices)


def ccgp_detail(name: str) -> Run:
    async def run(replay: ReplayServer, fetcher: Fetcher) -> list[Notice]:
        path = "/cggg/dfgg/zbgg/202507/t20250714_24800001.htm"
        replay.add("GET", path, fixture_bytes(name), headers=HTML)
        channel = f'<ul class="c_list_bid"><li><a href="{path}" title="t">t</a></li></ul>'
        replay.add("GET", "/cggg/dfgg/", channel, headers=HTML)
        source = CcgpSource(SourceConfig(name="ccgp", kind="ccgp", options={"base_url": replay.url,
                                                                            "channels": ["/cggg/dfgg/"]}))
        return await _poll(source, fetcher, datetime(2025, 7, 15, tzinfo=BEIJING))
    return run


def zcy(listing: str, detail: str, code: str) -> Run:
    async def run(replay: ReplayServer, fetcher: Fetcher) -> list[Notice]:
        document = json.loads(fixture_bytes(detail))
        # Both doc authors cut `content`; the real complete 2021 广西 content stands in for it.
        document["result"]["data"]["content"] = fixture_bytes("zcy-guangxi-detail-content-2021.html").decode()
        replay.add("POST", "/portal/category", fixture_bytes(listing), headers=JSON)
        replay.add("GET", "/portal/detail", json.dumps(document, ensure_ascii=False), headers=JSON)
        stamp = json.loads(fixture_bytes(listing))["result"]["data"]["data"][0]["publishDate"]
        source = ZcySource(SourceConfig(name="zcy", kind="zcy", options={"base_url": replay.url,
                                                                         "category_codes": [code]}))
        return await _poll(source, fetcher, datetime.fromtimestamp(stamp / 1000 + 3600, tz=BEIJING))
    return run


def epoint(name: str, now: datetime, **options: object) -> Run:
    async def run(replay: ReplayServer, fetcher: Fetcher) -> list[Notice]:
        path = "/inteligentsearch/rest/esinteligentsearch/getFullTextDataNew"
        listing = fixture_bytes(name)
        replay.add("POST", path, listing, headers=JSON)
        for record in json.loads(listing)["result"]["records"]:
            replay.add("GET", record.get("linkurl") or record["link"], fixture_bytes("epoint-detail-constructed.html"),
                       headers=HTML)
        source = EpointSource(SourceConfig(name="ep", kind="epoint", backfill_days=30, options={
            "base_url": replay.url, "search_path": path, **options}))
        return await _poll(source, fetcher, now)
    return run


async def ggzy(replay: ReplayServer, fetcher: Fetcher) -> list[Notice]:
    listing = fixture_bytes("ggzy-gettradlist-2026-07-21-excerpt.json")
    replay.add("POST", "/information/pubTradingInfo/getTradList", listing, headers=JSON)
    (record,) = json.loads(listing)["data"]["records"]
    replay.add("GET", record["url"].replace("/html/a/", "/html/b/"), fixture_bytes("ggzy-detail-constructed.html"),
               headers=HTML)
    source = GgzySource(SourceConfig(name="gg", kind="ggzy", options={"base_url": replay.url, "business_types": "*"}))
    return await _poll(source, fetcher, datetime(2026, 7, 21, 20, tzinfo=BEIJING))


SAMPLE_RUNS: dict[str, tuple[Run, str]] = {
    "ccgp-detail-guizhou-zbgg-2025-06-27.html": (ccgp_detail("ccgp-detail-guizhou-zbgg-2025-06-27.html"), "贵州"),
    "ccgp-detail-jinan-zbgg-2025-07-14-excerpt.html": (
        ccgp_detail("ccgp-detail-jinan-zbgg-2025-07-14-excerpt.html"), "山东"),
    "zcy-zhejiang-category-list-excerpt.json": (
        zcy("zcy-zhejiang-category-list-excerpt.json", "zcy-zhejiang-detail-excerpt.json", "110-175885"), "浙江"),
    "zcy-zhejiang-detail-excerpt.json": (
        zcy("zcy-zhejiang-category-list-excerpt.json", "zcy-zhejiang-detail-excerpt.json", "110-175885"), "浙江"),
    "zcy-guangxi-category-list-excerpt.json": (
        zcy("zcy-guangxi-category-list-excerpt.json", "zcy-guangxi-detail-excerpt.json", "ZcyAnnouncement2"), "广西"),
    "zcy-guangxi-detail-excerpt.json": (
        zcy("zcy-guangxi-category-list-excerpt.json", "zcy-guangxi-detail-excerpt.json", "ZcyAnnouncement2"), "广西"),
    "zcy-guangxi-detail-content-2021.html": (
        zcy("zcy-guangxi-category-list-excerpt.json", "zcy-guangxi-detail-excerpt.json", "ZcyAnnouncement2"), "广西"),
    "epoint-hebei-list-2017-12-a.json": (
        epoint("epoint-hebei-list-2017-12-a.json", datetime(2017, 12, 27, 9, tzinfo=BEIJING), province="河北"), "河北"),
    "epoint-hebei-list-2017-12-08-b.json": (
        epoint("epoint-hebei-list-2017-12-08-b.json", datetime(2017, 12, 9, tzinfo=BEIJING), province="河北"), "河北"),
    "epoint-guangxi-gxes-list-2024-01-04.json": (
        epoint("epoint-guangxi-gxes-list-2024-01-04.json", datetime(2024, 1, 5, tzinfo=BEIJING),
               time_field="infodatepx", province="广西"), "广西"),
    "epoint-sichuan-list-record-2026-03-14-excerpt.json": (
        epoint("epoint-sichuan-list-record-2026-03-14-excerpt.json", datetime(2026, 3, 15, tzinfo=BEIJING),
               province="四川", form_content_type=True), "四川"),
    "ggzy-gettradlist-2026-07-21-excerpt.json": (ggzy, "云南"),
}


def test_every_real_sample_has_a_run() -> None:
    real = {p.name for p in FIXTURES.iterdir() if p.suffix in (".html", ".json") and "constructed" not in p.name}
    assert real.isdisjoint(IN_CORPUS), "a real sample is kept twice: delete the copy in tests/fixtures/sources"
    assert real | set(IN_CORPUS) == set(SAMPLE_RUNS)
    assert all((CORPUS / corpus_name).is_file() for corpus_name in IN_CORPUS.values())


@pytest.mark.parametrize("sample", sorted(SAMPLE_RUNS))
async def test_real_sample_through_its_adapter(sample: str, replay: ReplayServer, fetcher: Fetcher) -> None:
    run, province = SAMPLE_RUNS[sample]
    notices = await run(replay, fetcher)
    assert notices and all(n.source_id and n.url.startswith(replay.url) and n.title for n in notices)
    assert any(n.region.province == province for n in notices), [n.region for n in notices]
