"""政采云, EPoint and the fetcher as 2024-26 crawlers and samples show them: headers, bodies, challenges."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tenderbot.errors import BlockedError, ConfigError, FetchError
from tenderbot.models import SourceState
from tenderbot.settings import Settings
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.epoint import EpointSource
from tenderbot.sources.fetch import BROWSER_USER_AGENT, Fetcher
from tenderbot.sources.zcy import ZcySource
from tests.replay_server import ReplayServer
from tests.sources.conftest import BEIJING, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
JSON = {"Content-Type": "application/json;charset=UTF-8"}
ZJ_NOW = datetime(2025, 5, 27, 9, 0, tzinfo=BEIJING)


def zcy_detail() -> str:
    detail = json.loads(fixture_bytes("zcy-zhejiang-detail-excerpt.json"))
    detail["result"]["data"]["content"] = fixture_bytes("zcy-guangxi-detail-content-2021.html").decode()
    return json.dumps(detail, ensure_ascii=False)


async def test_zcy_sends_origin_referer_and_exclusions(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", "/portal/category", fixture_bytes("zcy-zhejiang-category-list-excerpt.json"), headers=JSON)
    replay.add("GET", "/portal/detail", zcy_detail(), headers=JSON)
    options = {"base_url": replay.url, "category_codes": ["110-175885"], "referer_parent_id": "600007",
               "exclude_district_prefix": ["90", "006011", "H0", "001111"]}
    source = ZcySource(SourceConfig(name="zj", kind="zcy", options=options))
    result = await source.poll(fetcher, SourceState(name="zj"), now=ZJ_NOW)
    assert result.ok and len(result.notices) == 1, result.errors
    (hit,) = replay.hits("/portal/category")
    assert hit.header("Origin") == replay.url
    assert hit.header("Referer") == replay.url + "/site/category?parentId=600007"
    body = json.loads(hit.body)
    assert body["categoryCode"] == "110-175885" and body["excludeDistrictPrefix"] == ["90", "006011", "H0", "001111"]
    assert replay.hits("/portal/detail")[0].header("Origin") == replay.url


async def test_zcy_422_is_a_configuration_error_naming_the_option(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", "/portal/category", json.dumps({"success": False, "error": "categoryCode invalid"}),
               status=422, headers=JSON)
    source = ZcySource(SourceConfig(name="zj", kind="zcy",
                                    options={"base_url": replay.url, "category_codes": ["110-600268"]}))
    result = await source.poll(fetcher, SourceState(name="zj"), now=ZJ_NOW)
    assert not result.ok
    error = result.state.last_error or ""
    assert "ConfigError" in result.errors[0] and "option 'category_codes'" in error and "110-600268" in error
    assert len(replay.hits("/portal/category")) == 1  # a 4xx is not retried


async def test_zcy_real_guangxi_list_and_detail_excerpts(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", "/portal/category", fixture_bytes("zcy-guangxi-category-list-excerpt.json"), headers=JSON)
    detail = json.loads(fixture_bytes("zcy-guangxi-detail-excerpt.json"))
    detail["result"]["data"]["content"] = fixture_bytes("zcy-guangxi-detail-content-2021.html").decode()
    replay.add("GET", "/portal/detail", json.dumps(detail, ensure_ascii=False), headers=JSON)
    source = ZcySource(SourceConfig(name="gx", kind="zcy", backfill_days=30, options={
        "base_url": replay.url, "category_codes": ["ZcyAnnouncement3004"], "province": "广西"}))
    listed = json.loads(fixture_bytes("zcy-guangxi-category-list-excerpt.json"))["result"]["data"]["data"][0]
    now = datetime.fromtimestamp(listed["publishDate"] / 1000, tz=BEIJING)
    result = await source.poll(fetcher, SourceState(name="gx"), now=now)
    assert result.ok, result.errors
    (notice,) = result.notices
    assert notice.source_id == listed["articleId"] and notice.links  # announcementLinkDtoList → links


def epoint(replay: ReplayServer, **options: object) -> EpointSource:
    return EpointSource(SourceConfig(name="ep", kind="epoint", options={"base_url": replay.url, **options}))


async def test_epoint_time_field_on_the_real_guangxi_record(replay: ReplayServer, fetcher: Fetcher) -> None:
    path = "/inteligentsearchgxes/rest/esinteligentsearch/getFullTextDataNew"
    sample = fixture_bytes("epoint-guangxi-gxes-list-2024-01-04.json")  # real: infodatepx, no webdate
    replay.add("POST", path, sample, headers=JSON)
    (record,) = json.loads(sample)["result"]["records"]
    replay.add("GET", record["linkurl"], fixture_bytes("epoint-detail-constructed.html"), headers=HTML)
    source = epoint(replay, search_path=path, time_field="infodatepx", category="001001002005", province="广西")
    result = await source.poll(fetcher, SourceState(name="ep"), now=datetime(2024, 1, 5, 9, tzinfo=BEIJING))
    assert result.ok, result.errors
    (notice,) = result.notices
    assert notice.published_at == datetime(2024, 1, 4, 9, 52, 8, tzinfo=BEIJING)  # infodatepx, not infodate
    body = json.loads(replay.hits(path)[0].body)
    assert body["time"][0]["fieldName"] == "infodatepx" and json.loads(body["sort"]) == {"infodatepx": "0", "id": "0"}


async def test_epoint_jiangsu_keyword_body(replay: ReplayServer, fetcher: Fetcher) -> None:
    path = "/inteligentsearch/rest/esinteligentsearch/getFullTextDataNew"
    replay.add("POST", path, json.dumps({"result": {"totalcount": 0, "records": []}}), headers=JSON)
    source = epoint(replay, search_path=path, body_format="keyword", keyword="监护仪", rows=15)
    result = await source.poll(fetcher, SourceState(name="ep"), now=datetime(2026, 7, 22, tzinfo=BEIJING))
    assert result.ok
    assert json.loads(replay.hits(path)[0].body) == {"keyword": "监护仪", "pageNo": 1, "pageSize": 15}


async def test_epoint_jiangxi_cnum_hebei_prefix_and_record_province(replay: ReplayServer, fetcher: Fetcher) -> None:
    path = "/inteligentsearchnew/rest/esinteligentsearch/getFullTextDataNew"
    records = [
        {"id": "a1", "title": "某医院监护仪采购公告", "webdate": "2026-11-22 10:00:00", "zhuanzai": "云南省",
         "linkurl": "/jyxx/002006/002006001/20261122/a1.html"},
        {"id": "a2", "title": "某医院呼吸机采购公告", "webdate": "2026-11-22 09:00:00", "zhuanzai": "省本级",
         "linkurl": "/jyxx/002006/002006001/20261122/a2.html"},
    ]
    replay.add("POST", path, json.dumps({"result": {"totalcount": 2, "records": records}}, ensure_ascii=False),
               headers=JSON)
    for record in records:
        replay.add("GET", "/hbggfwpt" + record["linkurl"], fixture_bytes("epoint-detail-constructed.html"),
                   headers=HTML)
    source = epoint(replay, search_path=path, link_prefix="/hbggfwpt", cnum="", province="河北")
    result = await source.poll(fetcher, SourceState(name="ep"), now=datetime(2026, 11, 22, 18, tzinfo=BEIJING))
    assert result.ok, result.errors
    by_id = {n.source_id: n for n in result.notices}
    assert by_id["a1"].region.province == "云南"  # the record's own province wins
    assert by_id["a2"].region.province == "河北"  # 省本级 names none: the configured one
    assert json.loads(replay.hits(path)[0].body)["cnum"] == ""


async def test_a_redirected_post_is_never_replayed_as_get(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", "/search", "", status=302, headers={"Location": "/login.html"})
    replay.add("GET", "/login.html", "<html><body>请登录</body></html>", headers=HTML)
    with pytest.raises(FetchError, match=r"redirected to .*/login.html.*not replayed as GET"):
        await fetcher.post(replay.url + "/search", json={"pn": 0})
    assert replay.hits("/login.html") == []
    replay.add("POST", "/old", "", status=307, headers={"Location": "/new"})
    replay.add("POST", "/new", '{"result": {"records": []}}', headers=JSON)
    page = await fetcher.post(replay.url + "/old", json={"pn": 0})
    assert page.status == 200 and json.loads(replay.hits("/new")[0].body) == {"pn": 0}


ACW = ("<html><script>var arg1='3B4C4F8E1A2D';var _0x4818=['\\x63\\x6f\\x6f\\x6b\\x69\\x65'];"
       "function setCookie(name,value){document.cookie=name+'='+value};"
       "setCookie('acw_sc__v2', x);document.location.reload();</script></html>")
JIASULE = ("<script>document.cookie=('_')+('_')+('jsl_clearance_s=1733')+';path=/';"
           "location.href=location.pathname</script>")


@pytest.mark.parametrize(("body", "status", "reason"), [
    (ACW, 200, "acw_sc__v2"),
    (JIASULE, 521, "jiasule"),
    ('<html><head><title>验证码</title></head><body><img src="/captcha.jpg"></body></html>', 200, "block page"),
])
async def test_challenges_are_blocks_not_content_or_retries(
    replay: ReplayServer, fetcher: Fetcher, body: str, status: int, reason: str
) -> None:
    replay.add("GET", "/p", body, status=status, headers=HTML)
    with pytest.raises(BlockedError, match=reason):
        await fetcher.get(replay.url + "/p")
    assert len(replay.hits("/p")) == 1  # retrying a challenge only earns the same page


def test_default_user_agent_is_a_browser() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.user_agent == BROWSER_USER_AGENT and settings.user_agent.startswith("Mozilla/5.0")


def test_keyword_body_format_is_validated() -> None:
    with pytest.raises(ConfigError, match="body_format"):
        from tenderbot.sources.registry import parse_source_config

        parse_source_config({"name": "e", "kind": "epoint", "options": {"base_url": "http://x", "body_format": "x"}})


