"""EPoint search, ggzy deal listing and the generic html_list source."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from tenderbot.models import SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.epoint import EpointSource
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.html_list import HtmlListSource
from tests.replay_server import Hit, ReplayServer
from tests.sources.conftest import BEIJING, NOW, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
JSON = {"Content-Type": "application/json"}
SEARCH = "/XZinterface/rest/esinteligentsearch/getFullTextDataNew"
HEBEI_NOW = datetime(2017, 12, 27, 9, 0, tzinfo=BEIJING)


def epoint(replay: ReplayServer, **options: object) -> EpointSource:
    return EpointSource(SourceConfig(name="ep", kind="epoint", options={"base_url": replay.url, **options}))


async def test_epoint_posts_raw_json_with_row_offsets(replay: ReplayServer, fetcher: Fetcher) -> None:
    records = json.loads(fixture_bytes("epoint-hebei-list-2017-12-a.json"))["result"]["records"]  # real, 10 records

    def answer(hit: Hit) -> str:
        body = json.loads(hit.body)
        chunk = records[body["pn"]:body["pn"] + body["rn"]]
        return json.dumps({"result": {"totalcount": len(records), "records": chunk}}, ensure_ascii=False)

    replay.add("POST", SEARCH, answer, headers=JSON)
    for record in records:
        replay.add("GET", record["linkurl"], fixture_bytes("epoint-detail-constructed.html"), headers=HTML)
    result = await epoint(replay, rows=4, category="003005002004").poll(fetcher, SourceState(name="ep"), now=HEBEI_NOW)
    assert result.ok, result.errors
    assert len(result.notices) == 10
    bodies = [json.loads(h.body) for h in replay.hits(SEARCH)]
    assert [(b["pn"], b["rn"]) for b in bodies] == [(0, 4), (4, 4), (8, 4)]
    assert bodies[0]["condition"][0]["equal"] == "003005002004"
    assert bodies[0]["time"][0]["startTime"] == "2017-12-24 00:00:00"
    assert json.loads(bodies[0]["sort"]) == {"webdate": "0", "id": "0"}
    assert replay.hits(SEARCH)[0].header("Content-Type", ).startswith("application/json")  # type: ignore[union-attr]
    ids = {n.source_id for n in result.notices}
    assert "798af9be-6893-4cc1-a1ee-a05fca58310c_002" in ids
    assert all("全自动生化分析仪" in n.text for n in result.notices)


async def test_epoint_old_field_names_and_form_content_type(replay: ReplayServer, fetcher: Fetcher) -> None:
    listing = fixture_bytes("epoint-hebei-list-2017-12-08-b.json")  # real 2017-12-08 response: link/date/guid
    replay.add("POST", "/inteligentsearch/getFullTextDataNew", listing, headers=JSON)
    for record in json.loads(listing)["result"]["records"]:
        replay.add("GET", record["link"], fixture_bytes("epoint-detail-constructed.html"), headers=HTML)
    source = epoint(replay, search_path="/inteligentsearch/getFullTextDataNew", form_content_type=True)
    result = await source.poll(fetcher, SourceState(name="ep"), now=datetime(2017, 12, 9, tzinfo=BEIJING))
    assert result.ok, result.errors
    assert "bd8cfd17-3c23-4312-904f-85f4139678ff" in {n.source_id for n in result.notices}
    hit = replay.hits("/inteligentsearch/getFullTextDataNew")[0]
    assert (hit.header("Content-Type") or "").startswith("application/x-www-form-urlencoded")
    assert json.loads(hit.body)["rn"] == 20  # still a raw JSON body


def html_source(replay: ReplayServer, **options: object) -> HtmlListSource:
    base = {"list_url": replay.url + "/list/index.html", "item": "ul.list li", "date": "span.date",
            "next_page": "a.next", "body": "div.content"}
    return HtmlListSource(SourceConfig(name="hl", kind="html_list", options={**base, **options}))


def list_page(numbers: list[int], next_href: str | None) -> str:
    rows = "".join(f'<li><a href="../n/{n}.html">检测设备采购公告{n}</a><span class="date">2026-11-2{n % 3}</span></li>'
                   for n in numbers)
    nxt = f'<a class="next" href="{next_href}">下一页</a>' if next_href else ""
    return f'<html><head><meta charset="utf-8"></head><body><ul class="list">{rows}</ul>{nxt}</body></html>'


def serve_notices(replay: ReplayServer, numbers: range) -> None:
    for n in numbers:
        replay.add("GET", f"/n/{n}.html", f"<html><body><div class=content>公告{n} 采购检测设备</div></body></html>",
                   headers=HTML)


async def test_html_list_follows_next_links_and_stops_at_known(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/list/index.html", list_page([6, 5, 4], "index_1.html"), headers=HTML, times=1)
    replay.add("GET", "/list/index_1.html", list_page([3, 2, 1], None), headers=HTML)
    serve_notices(replay, range(1, 10))
    first = await html_source(replay).poll(fetcher, SourceState(name="hl"), now=NOW)
    assert first.ok, first.errors
    assert [n.source_id.rsplit("/", 1)[-1] for n in first.notices] == [f"{n}.html" for n in (1, 2, 3, 4, 5, 6)]
    assert first.notices[0].text == "公告1 采购检测设备"
    replay.add("GET", "/list/index.html", list_page([8, 7, 6], "index_1.html"), headers=HTML)
    second = await html_source(replay).poll(fetcher, first.state, now=NOW + timedelta(minutes=15))
    assert [n.source_id.rsplit("/", 1)[-1] for n in second.notices] == ["7.html", "8.html"]
    assert len(replay.hits("/list/index_1.html")) == 1  # page 1 held a known item


async def test_html_list_conditional_get_and_5xx_retry(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/list/index.html", "busy", status=503, times=2)
    replay.add("GET", "/list/index.html", list_page([1], None), headers={**HTML, "Last-Modified": "Sun, 22 Nov 2026"},
               etag='"L1"')
    serve_notices(replay, range(1, 2))
    first = await html_source(replay).poll(fetcher, SourceState(name="hl"), now=NOW)
    assert first.ok and len(first.notices) == 1
    assert first.state.etag == '"L1"' and first.state.last_modified == "Sun, 22 Nov 2026"
    second = await html_source(replay).poll(fetcher, first.state, now=NOW + timedelta(minutes=15))
    assert second.ok and second.notices == () and second.state.last_success == NOW + timedelta(minutes=15)
    last = replay.hits("/list/index.html")[-1]
    assert last.header("If-None-Match") == '"L1"' and last.header("If-Modified-Since") == "Sun, 22 Nov 2026"


async def test_html_list_gbk_page(replay: ReplayServer, fetcher: Fetcher) -> None:
    gbk = fixture_bytes("gbk-list-constructed.html")  # charset declared only in <meta>
    replay.add("GET", "/list/index.html", gbk, headers={"Content-Type": "text/html"})
    for n in range(1001, 1004):
        replay.add("GET", f"/notice/{n}.html", "<html><body>采购检测设备</body></html>", headers=HTML)
    source = html_source(replay, body=None)
    result = await source.poll(fetcher, SourceState(name="hl"), now=NOW)
    assert result.ok, result.errors
    titles = [n.title for n in result.notices]
    assert "某市人民医院医疗设备采购项目公开招标公告" in titles
    assert result.notices[-1].published_at == datetime(2026, 11, 22, tzinfo=BEIJING)
