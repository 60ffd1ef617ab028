"""EPoint (新点) full-text search: 江西 (jxsggzy.cn / ggzy.jiangxi.gov.cn), 河北, 四川 and others.

Domain: ``options.base_url`` plus ``search_path`` (江西 ``/XZinterface/rest/esinteligentsearch/getFullTextDataNew``,
河北/四川 ``/inteligentsearch/rest/esinteligentsearch/getFullTextDataNew``).
Access: POST a raw JSON string body: ``pn`` is a row offset (not a page number), ``rn`` rows, sorted
by ``webdate`` descending, filtered by ``categorynum`` and a webdate window; ``result.records[]`` →
detail pages at ``base_url + linkurl``.
Caveats: 四川 wants Content-Type form-urlencoded around the raw JSON (``form_content_type: true``);
deep paging falls back to another endpoint after 40 pages, so windows stay short. Older
responses (河北 2017) name fields ``link``/``date``/``guid`` instead of ``linkurl``/``webdate``/``id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser

from tenderbot.errors import ConfigError, ParseError
from tenderbot.extract.bounds import cap_html_depth
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    as_int,
    clean_hints,
    clean_text,
    option_str,
    parse_listing_time,
    positive_int_problems,
    province_short,
    time_key,
    window,
)
from tenderbot.sources.fetch import Fetcher

DEFAULT_SEARCH_PATH = "/XZinterface/rest/esinteligentsearch/getFullTextDataNew"
_DEFAULT_ROWS = 20


class EpointSource(ListingSource):
    """An EPoint ``getFullTextDataNew`` search endpoint, one category filter per source."""

    kind: ClassVar[str] = "epoint"

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """``base_url`` is required; ``rows`` is a positive integer."""
        problems = positive_int_problems(options, "rows")
        try:
            option_str(options, "base_url")
        except ConfigError as exc:
            problems.append(str(exc))
        return problems

    @property
    def base_url(self) -> str:
        """The site root, without a trailing slash."""
        return option_str(self.config.options, "base_url").rstrip("/")

    def search_body(self, request: PageRequest) -> dict[str, Any]:
        """The JSON document EPoint expects for one page of the category, newest first."""
        options = self.config.options
        rows = int(options.get("rows", _DEFAULT_ROWS))
        start, end = window(request.now, request.since)
        return {
            "token": "", "pn": request.page_no * rows, "rn": rows, "sdt": "", "edt": "",
            "wd": str(options.get("keyword", "")), "inc_wd": "", "exc_wd": "", "fields": "title",
            "cnum": str(options.get("cnum", "001")), "sort": '{"webdate":"0","id":"0"}', "ssort": "",
            "cl": 200,
            "condition": [{"fieldName": "categorynum", "equal": str(options.get("category", "002006")),
                           "isLike": True, "likeType": 2}],
            "time": [{"fieldName": "webdate", "startTime": start.strftime("%Y-%m-%d 00:00:00"),
                      "endTime": end.strftime("%Y-%m-%d 23:59:59")}],
            "highlights": "", "noParticiple": "1", "searchRange": None,
            "noWd": not options.get("keyword"),
        }

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """POST the search for one page (row offset ``pn``)."""
        options = self.config.options
        body = self.search_body(request)
        content_type = ("application/x-www-form-urlencoded; charset=UTF-8" if options.get("form_content_type")
                        else "application/json;charset=UTF-8")
        url = self.base_url + str(options.get("search_path", DEFAULT_SEARCH_PATH))
        page = await fetcher.post(url, content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                  headers={"Content-Type": content_type, "X-Requested-With": "XMLHttpRequest"})
        document = fetcher.json(page)
        result = document.get("result") if isinstance(document, dict) else None
        records = result.get("records") if isinstance(result, dict) else None
        if not isinstance(records, list):
            raise ParseError(f"{url}: no result.records in the response")
        items = tuple(item for r in records if isinstance(r, dict) and (item := self._item(r)) is not None)
        total = as_int(result.get("totalcount")) if isinstance(result, dict) else None
        more = len(records) >= body["rn"] and (total is None or body["pn"] + body["rn"] < total)
        return ListPage(items, has_more=more)

    def _item(self, record: Mapping[str, Any]) -> ListItem | None:
        """A listing item from one record; None without a link."""
        link = record.get("linkurl") or record.get("link")
        if not isinstance(link, str) or not link:
            return None
        url = absolute(self.base_url + "/", link)
        published = parse_listing_time(record.get("webdate") or record.get("infodate") or record.get("date")
                                       or record.get("showdate"))
        title = clean_text(_strip_tags(str(record.get("title") or "")))
        source_id = str(record.get("id") or record.get("guid") or record.get("infoid") or link)
        province = self.config.options.get("province")
        area = clean_text(record.get("zhuanzai") or record.get("infod") or record.get("remark3"))
        hints = clean_hints(title=title, published_at=published,
                            province=province if isinstance(province, str) else province_short(area),
                            notice_type_hint=record.get("categoryname"))
        return ListItem(source_id=source_id, url=url, title=title, published_at=published,
                        key=time_key(published), hints=hints)

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """GET the detail page and extract it (narrowed to ``body_selector`` when it matches)."""
        page = await fetcher.get(item.url)
        html = fetcher.text(page)
        selector = str(self.config.options.get("body_selector", "div.ewb-detail-box, div.article-info"))
        body = LexborHTMLParser(cap_html_depth(html)[0]).css_first(selector)  # bounded: runs on the loop
        content = body.html if body is not None and body.html else html
        return await self.extract(content, url=item.url, title=item.title, published_at=item.published_at,
                                    hints=item.hints)



def _strip_tags(text: str) -> str:
    """Remove highlight markup (``<font color='#CC0000'>``) from a title."""
    return LexborHTMLParser(f"<div>{text}</div>").text() if "<" in text else text
