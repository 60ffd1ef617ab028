"""全国公共资源交易平台 (ggzy.gov.cn): the deal.ggzy.gov.cn ``dealList_find.jsp`` listing + ``/html/b/`` pages.

Domain: ``options.list_url`` (default http://deal.ggzy.gov.cn/ds/deal/dealList_find.jsp); detail
pages on www.ggzy.gov.cn (``options.detail_host`` rewrites them to a mirror).
Access: POST form fields TIMEBEGIN/TIMEEND (YYYY-MM-DD), DEAL_CLASSIFY (02 = 政府采购), DEAL_STAGE,
PAGENUMBER (1-based), FINDTXT; the JSON ``data[]`` items carry ``title``, ``timeShow``, ``url``.
Frame pages ``/html/a/`` are rewritten to the content pages ``/html/b/``.
Caveats: 2026 notes report the endpoint answering 502 and possibly retired (research/sources.md
§3.1); the default config keeps this source disabled. Persistent failure shows in the source state
(failures, last_error, backoff), never as a crash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from tenderbot.errors import FetchError, ParseError
from tenderbot.extract.bounds import cap_html_depth
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    as_int,
    clean_hints,
    clean_text,
    parse_listing_time,
    province_short,
    rehost,
    time_key,
    window,
)
from tenderbot.sources.fetch import Fetcher

DEFAULT_LIST_URL = "http://deal.ggzy.gov.cn/ds/deal/dealList_find.jsp"
_ID = re.compile(r"/([0-9A-Za-z_-]{8,})\.s?html?$")


class GgzySource(ListingSource):
    """The national public-resource trading platform's deal listing."""

    kind: ClassVar[str] = "ggzy"

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """POST the deal search form for one page."""
        options = self.config.options
        start, end = window(request.now, request.since)
        day_start, day_end = start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")
        form: dict[str, str] = {
            "TIMEBEGIN_SHOW": day_start,
            "TIMEEND_SHOW": day_end,
            "TIMEBEGIN": day_start,
            "TIMEEND": day_end,
            "SOURCE_TYPE": "1",
            "DEAL_TIME": str(options.get("deal_time", "02")),
            "DEAL_CLASSIFY": str(options.get("deal_classify", "02")),
            "DEAL_STAGE": str(options.get("deal_stage", "0201")),
            "DEAL_PROVINCE": "0",
            "DEAL_CITY": "0",
            "DEAL_PLATFORM": "0",
            "BID_PLATFORM": "0",
            "DEAL_TRADE": "0",
            "isShowAll": "1",
            "PAGENUMBER": str(request.page_no + 1),
            "FINDTXT": str(options.get("keyword", "")),
        }
        url = str(options.get("list_url", DEFAULT_LIST_URL))
        page = await fetcher.post(url, data=form, headers={
            "X-Requested-With": "XMLHttpRequest", "Referer": url.replace("dealList_find.jsp", "dealList.jsp")})
        document = fetcher.json(page)
        if not isinstance(document, dict) or document.get("success") is False:
            error = document.get("error") if isinstance(document, dict) else None
            raise FetchError(f"{url}: listing failed ({error!r})")
        records = document.get("data")
        if not isinstance(records, list):
            raise ParseError(f"{url}: no data[] in the response")
        items = tuple(item for r in records if isinstance(r, dict) and (item := self._item(r, url)) is not None)
        current, pages = as_int(document.get("currentpage")), as_int(document.get("ttlpage"))
        more = current < pages if current is not None and pages is not None else bool(records)
        return ListPage(items, has_more=more)

    def _item(self, record: Mapping[str, Any], list_url: str) -> ListItem | None:
        """A listing item; the frame URL is rewritten to the content page."""
        link = record.get("url")
        if not isinstance(link, str) or not link:
            return None
        url = self._detail_url(absolute(list_url, link))
        published = parse_listing_time(record.get("timeShow"))
        title = clean_text(record.get("title"))
        found = _ID.search(urlsplit(url).path)
        hints = clean_hints(title=title, published_at=published, province=province_short(record.get("districtShow")),
                            notice_type_hint=record.get("stageShow"))
        return ListItem(source_id=found.group(1) if found else url, url=url, title=title, published_at=published,
                        key=time_key(published), hints=hints)

    def _detail_url(self, url: str) -> str:
        """``/html/a/`` → ``/html/b/``, and the host swapped for ``detail_host`` when configured."""
        host = self.config.options.get("detail_host")
        return rehost(url.replace("/html/a/", "/html/b/"), host if isinstance(host, str) else None)

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """GET the content page; body ``div#mycontent``, title ``h4.h4_o``, time in ``p.p_o span``."""
        page = await fetcher.get(item.url)
        html = fetcher.text(page)
        tree = LexborHTMLParser(cap_html_depth(html)[0])  # on the loop: bounded like extraction (issue 16)
        body = tree.css_first("div#mycontent, div.detail_content")
        if body is None:
            raise ParseError(f"{item.url}: no div#mycontent on the page")
        heading = tree.css_first("h4.h4_o")
        title = clean_text(heading.text()) if heading else item.title
        published = item.published_at
        for span in tree.css("p.p_o span"):
            text = span.text()
            if "发布时间" in text:
                published = parse_listing_time(text) or published
        return await self.extract(body.html or "", url=item.url, title=title, published_at=published,
                                    hints=item.hints)

