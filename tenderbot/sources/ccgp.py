"""中国政府采购网 (ccgp.gov.cn): keyword search (bxsearch) or channel lists, then detail pages.

Domain: search.ccgp.gov.cn/bxsearch and www.ccgp.gov.cn/cggg/{zygg,dfgg}/…; hosts from options
(``search_url``, ``channels``, ``detail_host`` to send detail requests to a mirror).
Access: search mode GETs ``search_url`` once per keyword (timeType=6, start_time/end_time
``YYYY:MM:DD``, ``page_index`` from 1); channel mode GETs ``index.htm``, ``index_1.htm`` … of each
channel. Detail pages in the vF_detail_* and older vT_detail_* layouts.
Caveats: search rate-limits hard ("访问过于频繁"); keep intervals long. The result ``li > a`` hrefs
can be missing, so the page-bottom ``var ohtmlurls="…"`` list is the fallback. Ids in
``t{YYYYMMDD}_{id}.htm`` increase over time, so the id is the cursor. No real search or channel page
was captured yet (research/sources.md §1.2): the parsers follow ~10 crawlers' selectors.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tenderbot.errors import ConfigError, FetchError, ParseError
from tenderbot.extract.bounds import cap_html_depth
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    clean_hints,
    clean_text,
    number_key,
    option_list,
    parse_listing_time,
    province_short,
    rehost,
    time_key,
    window,
    yuan_text,
)
from tenderbot.sources.fetch import Fetcher

DEFAULT_SEARCH_URL = "http://search.ccgp.gov.cn/bxsearch"
# Generic terms of our two categories; an operator narrows or widens them in config/sources.yaml.
DEFAULT_KEYWORDS: tuple[str, ...] = ("仪器", "检测设备", "分析仪", "医疗设备", "医疗器械")
_DETAIL_ID = re.compile(r"/t(\d{8})_(\d+)\.s?html?")
_OHTMLURLS = re.compile(r"""var\s+ohtmlurls\s*=\s*["']([^"']*)["']""")
_PAGER_SIZE = re.compile(r"size\s*:\s*(\d+)")
_PAGE_SIZE = 20
# Summary-table ("公告概要") labels → extraction hints.
_SUMMARY_HINTS = {
    "采购单位": "buyer",
    "代理机构名称": "agency",
    "行政区域": "province",
    "预算金额": "budget_yuan",
    "项目编号": "project_code",
}


class CcgpSource(ListingSource):
    """中国政府采购网, by keyword search (default) or by channel list pages (``channels`` option)."""

    kind: ClassVar[str] = "ccgp"

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """Keywords and channels must be lists of strings."""
        problems = []
        for key in ("keywords", "channels"):
            try:
                option_list(options, key)
            except ConfigError as exc:
                problems.append(str(exc))
        return problems

    def streams(self) -> tuple[str, ...]:
        """One stream per channel URL (channel mode) or per keyword (search mode)."""
        channels = option_list(self.config.options, "channels")
        if channels:
            return tuple(f"channel:{url}" for url in channels)
        return tuple(f"kw:{kw}" for kw in option_list(self.config.options, "keywords", DEFAULT_KEYWORDS))

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """One search-result page or one channel page."""
        mode, _, value = request.stream.partition(":")
        if mode == "channel":
            url = value if request.page_no == 0 else value.replace("index.htm", f"index_{request.page_no}.htm")
            page = await fetcher.get(url)
            return self._rehosted(parse_channel_page(fetcher.text(page), base_url=url))
        options = self.config.options
        start, end = window(request.now, request.since)
        params = {
            "searchtype": str(options.get("search_type", 1)),
            "page_index": str(request.page_no + 1),
            "bidSort": str(options.get("bid_sort", 0)),
            "buyerName": "",
            "projectId": "",
            "pinMu": str(options.get("pin_mu", 0)),
            "bidType": str(options.get("bid_type", 0)),
            "dbselect": "bidx",
            "kw": value,
            "start_time": start.strftime("%Y:%m:%d"),
            "end_time": end.strftime("%Y:%m:%d"),
            "timeType": "6",
            "displayZone": "",
            "zoneId": "",
            "pppStatus": "0",
            "agentName": "",
        }
        url = str(options.get("search_url", DEFAULT_SEARCH_URL))
        page = await fetcher.get(url, params=params)
        return self._rehosted(parse_search_page(fetcher.text(page), base_url=url, page_index=request.page_no + 1))

    def _rehosted(self, page: ListPage) -> ListPage:
        """Detail links pointed at ``detail_host`` when configured (a mirror, or a test server)."""
        host = self.config.options.get("detail_host")
        if not isinstance(host, str) or not host:
            return page
        items = tuple(dataclasses.replace(i, url=rehost(i.url, host)) for i in page.items)
        return dataclasses.replace(page, items=items)

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """Fetch a detail page; summary-table facts and attachments complement the extraction."""
        page = await fetcher.get(item.url)
        html = fetcher.text(page)
        tree = LexborHTMLParser(cap_html_depth(html)[0])  # on the loop: bounded like extraction (issue 16)
        title_node = tree.css_first("title")
        if title_node is not None and "错误页面" in title_node.text():
            raise FetchError(f"{item.url}: ccgp error page (notice withdrawn or moved)")
        if tree.css_first("div.vF_detail_content, div.vT_detail_content, div.vF_detail_main, "
                          "div.vT_detail_main") is None:
            raise ParseError(f"{item.url}: no vF_/vT_detail content on the page")
        hints = {**item.hints, **summary_hints(tree)}
        title = _meta(tree, "ArticleTitle") or _text(tree.css_first("div.vF_detail_header h2, .vT_detail_header h2"))
        published = parse_listing_time(_meta(tree, "PubDate")) or item.published_at
        notice = await self.extract(html, url=item.url, title=title or item.title, published_at=published, hints=hints)
        if not notice.attachments:
            notice = _with_attachments(notice, tree, item.url)
        return notice


def parse_search_page(html: str, *, base_url: str, page_index: int) -> ListPage:
    """Items of a bxsearch result page (``ul.vT-srch-result-list-bid li``)."""
    tree = LexborHTMLParser(html)
    fallback = _OHTMLURLS.search(html)
    fallback_urls = [u.strip() for u in fallback.group(1).split(",")] if fallback else []
    items = []
    for index, li in enumerate(tree.css("ul.vT-srch-result-list-bid li")):
        anchor = li.css_first("a")
        href = (anchor.attributes.get("href") or "") if anchor else ""
        if not _DETAIL_ID.search(href) and index < len(fallback_urls):
            href = fallback_urls[index]
        if not href or href.startswith("javascript:"):
            continue
        url = absolute(base_url, href)
        span = li.css_first("span")
        facts = _span_facts(span) if span else {}
        published = parse_listing_time(facts.get("published_at"))
        title = clean_text(anchor.text()) if anchor else None
        items.append(_item(url, title, published, {**facts, "title": title or ""}))
    pager = _PAGER_SIZE.search(html)
    has_more = page_index < int(pager.group(1)) if pager else len(items) >= _PAGE_SIZE
    return ListPage(tuple(items), has_more=has_more and bool(items))


def parse_channel_page(html: str, *, base_url: str) -> ListPage:
    """Items of a channel list page (``ul.c_list_bid li``: link, then date / region / buyer ``em``)."""
    tree = LexborHTMLParser(html)
    items = []
    for li in tree.css("ul.c_list_bid li, ul.c_list_tat li"):
        anchor = li.css_first("a")
        href = anchor.attributes.get("href") if anchor else None
        if anchor is None or not href:
            continue
        ems = [clean_text(em.text()) or "" for em in li.css("em")]
        published = parse_listing_time(ems[0]) if ems else None
        title = clean_text(anchor.attributes.get("title") or anchor.text())
        facts = {"title": title or ""}
        if len(ems) > 1 and (province := province_short(ems[1])):
            facts["province"] = province
        if len(ems) > 2 and ems[2]:
            facts["buyer"] = ems[2]
        items.append(_item(absolute(base_url, href), title, published, facts))
    has_more = bool(items) and len(items) >= _PAGE_SIZE
    return ListPage(tuple(items), has_more=has_more)


def summary_hints(tree: LexborHTMLParser) -> dict[str, str]:
    """Hints from the 公告概要 table: label cells ``td.title`` followed by their value cells."""
    hints: dict[str, str] = {}
    for label in tree.css("div.table td.title, div.vT_detail_main table td.title"):
        key = _SUMMARY_HINTS.get((clean_text(label.text()) or "").rstrip("：:"))
        value_node = label.next
        while value_node is not None and value_node.tag != "td":
            value_node = value_node.next
        value = clean_text(value_node.text()) if value_node is not None else None
        if not key or not value or key in hints:
            continue
        if key == "province":
            value = province_short(value) or value
        if key == "budget_yuan":
            value = yuan_text(value) or ""
        if value:
            hints[key] = value
    return hints


def source_id_of(url: str) -> tuple[str, str | None]:
    """The ``t{YYYYMMDD}_{id}`` id of a detail URL and its cursor key; the URL itself when odd."""
    found = _DETAIL_ID.search(url)
    if not found:
        return url, None
    return f"t{found.group(1)}_{found.group(2)}", number_key(int(found.group(2)))


def _item(url: str, title: str | None, published: Any, facts: Mapping[str, str]) -> ListItem:
    """A ListItem keyed by the ccgp detail id."""
    source_id, key = source_id_of(url)
    hints = clean_hints(**{k: v for k, v in facts.items() if k != "published_at"}, published_at=published)
    return ListItem(source_id=source_id, url=url, title=title, published_at=published,
                    key=key or time_key(published), hints=hints)


def _span_facts(span: LexborNode) -> dict[str, str]:
    """Facts of a search result ``span``: date | 采购人：X | 代理机构：Y <strong>type</strong> | 省份 | 品目."""
    strongs = [clean_text(s.text()) or "" for s in span.css("strong")]
    parts = [clean_text(p) or "" for p in span.text(separator=" ").split("|")]
    facts: dict[str, str] = {}
    if parts and parts[0]:
        facts["published_at"] = parts[0]
    if strongs and strongs[0]:
        facts["notice_type_hint"] = strongs[0]
    for index, part in enumerate(parts):
        if part.startswith(("采购人", "采购单位")):
            facts["buyer"] = re.sub(r"^采购(人|单位)\s*[:：]\s*", "", part)
        elif part.startswith("代理机构"):
            agency = re.sub(r"^代理机构\s*[:：]\s*", "", part)
            if strongs and strongs[0] and agency.endswith(strongs[0]):
                agency = agency[: -len(strongs[0])].strip()
            facts["agency"] = agency
            if index + 1 < len(parts) and (province := province_short(parts[index + 1])):
                facts["province"] = province
    return {k: v for k, v in facts.items() if v}


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    """Content of ``<meta name=…>`` (ccgp puts ArticleTitle and PubDate there)."""
    node = tree.css_first(f'meta[name="{name}"]')
    return clean_text(node.attributes.get("content")) if node else None


def _text(node: LexborNode | None) -> str | None:
    """Cleaned text of a node, or None."""
    return clean_text(node.text()) if node is not None else None


def _with_attachments(notice: Notice, tree: LexborHTMLParser, url: str) -> Notice:
    """Add ``ul.fjxx`` attachment links when extraction did not find them."""
    links = []
    for anchor in tree.css("ul.fjxx a"):
        href = anchor.attributes.get("href")
        if href and not href.startswith("javascript:"):
            links.append(absolute(url, href))
    return dataclasses.replace(notice, attachments=tuple(dict.fromkeys(links))) if links else notice
