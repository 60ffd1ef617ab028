"""政采云: JSON listing per category, paging until the cursor, detail content and linked notices."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

from tenderbot.models import SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.zcy import ZcySource
from tests.replay_server import Hit, ReplayServer
from tests.sources.conftest import BEIJING, NOW, fixture_bytes

JSON = {"Content-Type": "application/json;charset=UTF-8"}
REAL_LIST = json.loads(fixture_bytes("zcy-zhejiang-category-list-excerpt.json"))
REAL_ITEM: dict[str, Any] = REAL_LIST["result"]["data"]["data"][0]


def record(number: int, published: datetime) -> dict[str, Any]:
    """A list record shaped like the real 浙江 one, with its own id and time."""
    item = copy.deepcopy(REAL_ITEM)
    item.update(
        articleId=f"art{number:03d}==",
        title=f"某医院医疗设备采购项目公告{number}",
        publishDate=int(published.timestamp() * 1000),
        budgetPrice=f"{number}0000.00",
    )
    return item


def envelope(items: list[dict[str, Any]], total: int) -> str:
    return json.dumps(
        {"success": True, "result": {"data": {"total": total, "data": items}}, "error": None}, ensure_ascii=False
    )


def detail_response(hit: Hit) -> str:
    """The real 广西 detail envelope (with links), answering for whichever article was asked."""
    document = json.loads(fixture_bytes("zcy-guangxi-detail-excerpt.json"))
    data = document["result"]["data"]
    data["articleId"] = hit.param("articleId")
    data["publishDate"] = None  # a different article's time: let the listing's stand
    data["content"] = fixture_bytes("zcy-guangxi-detail-content-2021.html").decode()
    return json.dumps(document, ensure_ascii=False)


def make(replay: ReplayServer, **config: Any) -> ZcySource:
    options = {
        "base_url": replay.url,
        "category_codes": ["ZcyAnnouncement3001"],
        "page_size": 3,
        "extra_body": {"districtCode": ["339900"]},
    }
    return ZcySource(SourceConfig(name="zcy", kind="zcy", options=options, **config))


def listing(replay: ReplayServer, records: list[dict[str, Any]], page_size: int = 3) -> None:
    def answer(hit: Hit) -> str:
        body = json.loads(hit.body)
        start = (body["pageNo"] - 1) * body["pageSize"]
        return envelope(records[start : start + body["pageSize"]], len(records))

    replay.add("POST", "/portal/category", answer, headers=JSON)
    replay.add("GET", "/portal/detail", detail_response, headers=JSON)


async def test_pages_posts_json_and_links_notices(replay: ReplayServer, fetcher: Fetcher) -> None:
    records = [record(n, NOW - timedelta(hours=n)) for n in range(1, 6)]
    listing(replay, records)
    result = await make(replay).poll(fetcher, SourceState(name="zcy"), now=NOW)
    assert result.ok, result.errors
    assert [n.source_id for n in result.notices] == [f"art{n:03d}==" for n in (5, 4, 3, 2, 1)]
    bodies = [json.loads(h.body) for h in replay.hits("/portal/category")]
    assert [b["pageNo"] for b in bodies] == [1, 2]
    assert bodies[0]["categoryCode"] == "ZcyAnnouncement3001" and bodies[0]["districtCode"] == ["339900"]
    assert replay.hits("/portal/category")[0].header("Content-Type") == "application/json"
    notice = result.notices[0]
    assert "oVK267d+jO142nPSnFcsPw==" in notice.links and "eZoQH7iZwB9uoUswhbGgzw==" in notice.links
    assert notice.source_id not in notice.links
    assert "GXZC2021-G2-005022-GXZB" in notice.text
    assert notice.url == f"{replay.url}/site/detail?articleId=art005%3D%3D"
    assert {h.param("articleId") for h in replay.hits("/portal/detail")} == {r["articleId"] for r in records}


async def test_stops_paging_at_the_cursor(replay: ReplayServer, fetcher: Fetcher) -> None:
    old = [record(n, NOW - timedelta(hours=n)) for n in range(1, 7)]
    listing(replay, old)
    first = await make(replay).poll(fetcher, SourceState(name="zcy"), now=NOW)
    assert len(first.notices) == 6
    replay2_records = [record(n, NOW + timedelta(minutes=n)) for n in (101, 102)][::-1] + old
    with ReplayServer() as replay2:
        listing(replay2, replay2_records)
        source = ZcySource(
            SourceConfig(
                name="zcy",
                kind="zcy",
                options={"base_url": replay2.url, "category_codes": ["ZcyAnnouncement3001"], "page_size": 3},
            )
        )
        second = await source.poll(fetcher, first.state, now=NOW + timedelta(hours=1))
        assert [n.source_id for n in second.notices] == ["art101==", "art102=="]
        assert [json.loads(h.body)["pageNo"] for h in replay2.hits("/portal/category")] == [1]


async def test_the_cursor_alone_stops_paging(replay: ReplayServer, fetcher: Fetcher) -> None:
    # Same as above with the seen-set forgotten: only the publish-date cursor can stop the paging
    # and keep the already-stored announcements from being fetched again.
    old = [record(n, NOW - timedelta(hours=n)) for n in range(1, 7)]
    listing(replay, old)
    first = await make(replay).poll(fetcher, SourceState(name="zcy"), now=NOW)
    assert first.state.cursor is not None
    with ReplayServer() as replay2:
        listing(replay2, [record(n, NOW + timedelta(minutes=n)) for n in (101, 102)][::-1] + old)
        source = ZcySource(
            SourceConfig(
                name="zcy",
                kind="zcy",
                options={"base_url": replay2.url, "category_codes": ["ZcyAnnouncement3001"], "page_size": 3},
            )
        )
        second = await source.poll(fetcher, dataclasses.replace(first.state, seen=()), now=NOW + timedelta(hours=1))
        ids = [n.source_id for n in second.notices]
        assert {"art101==", "art102=="} <= set(ids)
        assert not {f"art00{n}==" for n in range(2, 7)} & set(ids)  # nothing from past the cursor
        assert [json.loads(h.body)["pageNo"] for h in replay2.hits("/portal/category")] == [1]


async def test_portal_error_envelope_fails_the_listing(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add(
        "POST",
        "/portal/category",
        json.dumps({"success": False, "result": None, "error": "login.timeout"}),
        headers=JSON,
    )
    result = await make(replay).poll(fetcher, SourceState(name="zcy"), now=NOW)
    assert not result.ok and "login.timeout" in (result.state.last_error or "")


async def test_real_guangxi_listing_item(replay: ReplayServer, fetcher: Fetcher) -> None:
    # Real 广西 record (终止公告, 2024-02-18); its total is unknown (null) in the excerpt.
    replay.add("POST", "/portal/category", fixture_bytes("zcy-guangxi-category-list-excerpt.json"), headers=JSON)
    replay.add("GET", "/portal/detail", detail_response, headers=JSON)
    now = datetime(2024, 2, 18, 20, 0, tzinfo=BEIJING)
    result = await make(replay).poll(fetcher, SourceState(name="zcy"), now=now)
    assert result.ok, result.errors
    (notice,) = result.notices
    assert notice.source_id == "Y1Xs+Ya9sqZiYbm5sKeVqQ=="
    assert notice.published_at == datetime(2024, 2, 18, 18, 16, 47, tzinfo=BEIJING)
    assert replay.hits("/portal/detail")[0].param("articleId") == "Y1Xs+Ya9sqZiYbm5sKeVqQ=="
