"""全国公共资源交易平台: the 2026 getTradList API, its filters, its captcha code, and `tenderbot poll --once` on it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tenderbot.cli import main
from tenderbot.errors import ConfigError
from tenderbot.models import NoticeType, SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.ggzy import GgzySource
from tenderbot.sources.registry import parse_source_config
from tenderbot.store.db import make_engine
from tenderbot.store.repos import Store
from tests.replay_server import Hit, ReplayServer
from tests.sources.conftest import BEIJING, NOW, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
JSON = {"Content-Type": "application/json;charset=UTF-8"}
LIST = "/information/pubTradingInfo/getTradList"
B_PAGE = "/information/deal/html/b/320000/0201/20261122/9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0.html"


def ggzy(replay: ReplayServer, **options: object) -> GgzySource:
    return GgzySource(SourceConfig(name="gg", kind="ggzy", options={"base_url": replay.url, **options}))


async def test_real_2026_sample_lists_its_record_and_fetches_the_b_page(replay: ReplayServer, fetcher: Fetcher) -> None:
    # chenhw7/hongtu's capture of 2026-07-21: one 工程建设 record; "*" keeps every business type.
    replay.add("POST", LIST, fixture_bytes("ggzy-gettradlist-2026-07-21-excerpt.json"), headers=JSON)
    b_page = "/information/deal/html/b/530000/0101/20260721/0053c9692a91f23d4dee93a0323dbd5908c0.html"
    replay.add("GET", b_page, fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
    now = datetime(2026, 7, 21, 20, 0, tzinfo=BEIJING)
    result = await ggzy(replay, business_types=["*"]).poll(fetcher, SourceState(name="gg"), now=now)
    assert result.ok, result.errors
    (notice,) = result.notices
    assert notice.source_id == "0053c9692a91f23d4dee93a0323dbd5908c0"
    assert notice.url == replay.url + b_page  # /html/a/ (meta page) → /html/b/ (the text), on base_url
    assert replay.hits(b_page)[0].header("Referer") == replay.url + "/deal/dealList.html"
    # The default keeps 政府采购 only: the same real record is filtered out, and that is not "suspect".
    plain = await ggzy(replay).poll(fetcher, SourceState(name="gg"), now=now)
    assert plain.ok and plain.notices == () and plain.state.listed == (1,)


async def test_form_headers_filters_and_paging(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", LIST, fixture_bytes("ggzy-gettradlist-2026-constructed.json"), headers=JSON)
    replay.add("GET", B_PAGE, fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
    source = ggzy(replay, keyword="超声", province_code="320000", information_types=["采购/资审公告"])
    result = await source.poll(fetcher, SourceState(name="gg"), now=NOW)
    assert result.ok, result.errors
    (notice,) = result.notices  # the 工程建设 record and the 中标/成交公示 record are filtered out
    assert notice.source_id == "9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0"
    assert notice.title == "某市中心医院彩色多普勒超声诊断仪采购项目招标公告"
    assert notice.notice_type is NoticeType.TENDER and notice.region.province == "江苏"
    (hit,) = replay.hits(LIST)  # current 1 of pages 1: no second page
    form = {k: v[0] for k, v in parse_qs(hit.body.decode()).items()}
    assert form == {"SOURCE_TYPE": "1", "DEAL_TIME": "06", "TIMEBEGIN": "2026-11-19", "TIMEEND": "2026-11-22",
                    "PAGENUMBER": "1", "FINDTXT": "超声", "DEAL_PROVINCE": "320000"}
    assert (hit.header("Content-Type") or "").startswith("application/x-www-form-urlencoded")
    assert hit.header("Origin") == replay.url and hit.header("Referer") == replay.url + "/deal/dealList.html"


async def test_captcha_code_is_a_block_and_backs_off(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("POST", LIST, json.dumps({"code": 829, "message": "请输入验证码"}), headers=JSON)
    result = await ggzy(replay).poll(fetcher, SourceState(name="gg"), now=NOW)
    assert not result.ok and "captcha" in (result.state.last_error or "")
    assert result.state.backoff_until is not None and (result.state.backoff_until - NOW).total_seconds() >= 1800


def test_retired_options_name_their_replacements() -> None:
    with pytest.raises(ConfigError, match=r"'list_url' is no longer used.*set 'base_url' instead"):
        parse_source_config({"name": "g", "kind": "ggzy",
                             "options": {"list_url": "http://deal.ggzy.gov.cn/ds/deal/dealList_find.jsp"}})
    with pytest.raises(ConfigError, match="set 'business_types' instead"):
        parse_source_config({"name": "g", "kind": "ggzy", "options": {"deal_classify": "02"}})
    config = parse_source_config({"name": "g", "kind": "ggzy"})
    assert GgzySource(config).base_url == "https://www.ggzy.gov.cn"


def test_poll_once_against_a_local_2026_ggzy_stores_the_listed_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tenderbot.cli.configure_logging", lambda *args, **kwargs: None)
    today = datetime.now(BEIJING).strftime("%Y-%m-%d")

    def listing(hit: Hit) -> str:
        document = json.loads(fixture_bytes("ggzy-gettradlist-2026-constructed.json"))
        for record in document["data"]["records"]:
            record["publishTime"] = today  # inside the backfill window of the real clock
        return json.dumps(document, ensure_ascii=False)

    with ReplayServer() as server:
        server.add("POST", LIST, listing, headers=JSON)
        server.add("GET", B_PAGE, fixture_bytes("ggzy-detail-constructed.html"), headers=HTML)
        server.add("GET", B_PAGE.replace("320000/0201/20261122/9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0",
                                         "330000/0202/20261121/7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f"),
                   fixture_bytes("ggzy-detail-constructed.html").decode()
                   .replace("彩色多普勒超声诊断仪采购项目招标公告", "全自动生化分析仪采购项目中标结果公告")
                   .replace("JSZC-2026-118", "ZJZC-2026-207"), headers=HTML)
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - name: ggzy-local\n    kind: ggzy\n    options:\n"
                           f"      base_url: {server.url}\n", encoding="utf-8")
        database = tmp_path / "db.sqlite"
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(sources))
        monkeypatch.setenv("TENDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
        monkeypatch.setenv("TENDERBOT_TELEGRAM_TOKEN", "")
        assert main(["poll", "--once"]) == 0
        assert len(server.hits(LIST)) == 1 and len(server.hits(B_PAGE)) == 1

    async def stored() -> list[str]:
        engine = make_engine(f"sqlite+aiosqlite:///{database}")
        try:
            store = Store.over(engine)
            rows = [raw.decode() async for batch in store.notices.raw_since(datetime(2000, 1, 1, tzinfo=UTC))
                    for raw in batch]
            return [f"{r.notice.source}|{r.notice.source_id}|{r.notice.title}" for r in rows]
        finally:
            await engine.dispose()

    rows = asyncio.run(stored())
    assert "ggzy-local|9f1c2ab34d5e6f708192a3b4c5d6e7f8a9b0|某市中心医院彩色多普勒超声诊断仪采购项目招标公告" in rows
    assert len(rows) == 2  # both 政府采购 records; the 工程建设 one is not stored
    assert "【招标】某市中心医院彩色多普勒超声诊断仪采购项目招标公告" in capsys.readouterr().out
