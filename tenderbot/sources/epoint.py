"""EPoint (新点) full-text search: 江西 (ggzy.jiangxi.gov.cn), 河北, 江苏, 四川, 广西 and other provincial platforms.

Domain: ``options.base_url`` plus ``search_path`` (default 江西's ``/XZinterface/rest/esinteligentsearch/
getFullTextDataNew``; most others ``/inteligentsearch/…``; 河北 2026 ``/inteligentsearchnew/…`` on
szj.hebei.gov.cn, whose detail links sit under ``link_prefix: /hbggfwpt``, per a 2026 config in the
index, file id 54155858719).
Access: POST a raw JSON string body. ``body_format: classic`` (default): ``pn`` is a row offset, ``rn``
rows, sorted by ``time_field`` descending, filtered by ``categorynum`` and a ``time_field`` window, ``cnum``
as configured (江西 ``""``). ``body_format: keyword``: ``{keyword, pageNo, pageSize}`` — 江苏's ES API
accepts only this since 2026-07 (chenhw7/hongtu scraper/ggzyjy_js/__init__.py @67d83cf). Records of
``result.records[]`` → detail pages at ``base_url + link_prefix + linkurl``.
Caveats: the time field differs by platform (``webdate``; 江苏 and 广西 gxes ``infodatepx`` — sample
epoint-guangxi-gxes-list-2024-01-04.json has no webdate), so ``time_field`` is an option. 四川 wants
Content-Type form-urlencoded around the raw JSON (``form_content_type: true``). Older responses (河北
2017) name fields ``link``/``date``/``guid``. On a platform spanning provinces the record's own area
(``zhuanzai``, ``areaname`` …) names the province; ``province`` is the fallback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser

from tenderbot.errors import ConfigError, ParseError
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    as_int,
    base_url_option,
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
from tenderbot.sources.pages import bounded_tree

DEFAULT_SEARCH_PATH = "/XZinterface/rest/esinteligentsearch/getFullTextDataNew"
BODY_FORMATS = ("classic", "keyword")
# Record fields naming where a notice comes from, most specific last-resort order.
_AREA_FIELDS = ("zhuanzai", "areaname", "infod", "remark3", "xiaquname", "regionname")
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
            base_url_option(options)
        except ConfigError as exc:
            problems.append(str(exc))
        body_format = options.get("body_format", "classic")
        if body_format not in BODY_FORMATS:
            problems.append(f"option 'body_format' must be one of {', '.join(BODY_FORMATS)}, got {body_format!r}")
        time_field = options.get("time_field", "webdate")
        if not isinstance(time_field, str) or not time_field.isidentifier():
            problems.append(f"option 'time_field' must be a field name like webdate or infodatepx, got {time_field!r}")
        return problems

    @property
    def time_field(self) -> str:
        """The record field holding the publication time (``webdate``, or ``infodatepx`` on 江苏/广西)."""
        return str(self.config.options.get("time_field", "webdate"))

    def search_body(self, request: PageRequest) -> dict[str, Any]:
        """The JSON document EPoint expects for one page of the category, newest first."""
        options = self.config.options
        rows = int(options.get("rows", _DEFAULT_ROWS))
        if options.get("body_format") == "keyword":
            return {"keyword": str(options.get("keyword", "")), "pageNo": request.page_no + 1, "pageSize": rows}
        start, end = window(request.now, request.since)
        field = self.time_field
        return {
            "token": "", "pn": request.page_no * rows, "rn": rows, "sdt": "", "edt": "",
            "wd": str(options.get("keyword", "")), "inc_wd": "", "exc_wd": "", "fields": "title",
            "cnum": str(options.get("cnum", "001")), "sort": json.dumps({field: "0", "id": "0"}), "ssort": "",
            "cl": 200,
            "condition": [{"fieldName": "categorynum", "equal": str(options.get("category", "002006")),
                           "isLike": True, "likeType": 2}],
            "time": [{"fieldName": field, "startTime": start.strftime("%Y-%m-%d 00:00:00"),
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
                                  headers={"Content-Type": content_type, "X-Requested-With": "XMLHttpRequest",
                                           "Origin": self.base_url, "Referer": self.base_url + "/"})
        document = fetcher.json(page)
        result = document.get("result") if isinstance(document, dict) else None
        records = result.get("records") if isinstance(result, dict) else None
        if not isinstance(records, list):
            raise ParseError(f"{url}: no result.records in the response")
        items = tuple(item for r in records if isinstance(r, dict) and (item := self._item(r)) is not None)
        total = as_int(result.get("totalcount")) if isinstance(result, dict) else None
        rows = int(options.get("rows", _DEFAULT_ROWS))
        offset = request.page_no * rows
        more = len(records) >= rows and (total is None or offset + rows < total)
        return ListPage(items, has_more=more)

    def _item(self, record: Mapping[str, Any]) -> ListItem | None:
        """A listing item from one record; None without a link."""
        link = record.get("linkurl") or record.get("link")
        if not isinstance(link, str) or not link:
            return None
        prefix = str(self.config.options.get("link_prefix", "")).rstrip("/")
        url = absolute(self.base_url + prefix + "/", prefix + link if link.startswith("/") else link)
        published = parse_listing_time(next(
            (record[f] for f in (self.time_field, "webdate", "infodatepx", "infodate", "date", "showdate")
             if record.get(f)), None))
        title = clean_text(_strip_tags(str(record.get("title") or "")))
        source_id = str(record.get("id") or record.get("guid") or record.get("infoid") or link)
        configured = self.config.options.get("province")
        hints = clean_hints(title=title, published_at=published,
                            province=_record_province(record) or (configured if isinstance(configured, str) else None),
                            notice_type_hint=record.get("categoryname"))
        return ListItem(source_id=source_id, url=url, title=title, published_at=published,
                        key=time_key(published), hints=hints)

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """GET the detail page and extract it (narrowed to ``body_selector`` when it matches)."""
        page = await fetcher.get(item.url)
        html = fetcher.text(page)
        selector = str(self.config.options.get("body_selector", "div.ewb-detail-box, div.article-info"))
        body = bounded_tree(html).css_first(selector)
        content = body.html if body is not None and body.html else html
        return await self.extract(content, url=item.url, title=item.title, published_at=item.published_at,
                                    hints=item.hints)



def _record_province(record: Mapping[str, Any]) -> str | None:
    """The province a record names in its area fields (a platform may span provinces), or None."""
    for field in _AREA_FIELDS:
        value = record.get(field)
        if isinstance(value, str) and (province := province_short(clean_text(value))):
            return province
    return None


def _strip_tags(text: str) -> str:
    """Remove highlight markup (``<font color='#CC0000'>``) from a title."""
    return LexborHTMLParser(f"<div>{text}</div>").text() if "<" in text else text
