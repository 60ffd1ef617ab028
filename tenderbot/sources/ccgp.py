"""中国政府采购网 (ccgp.gov.cn): keyword search (bxsearch) or channel lists, then detail pages.

Domain: search.ccgp.gov.cn/bxsearch and www.ccgp.gov.cn/cggg/{zygg,dfgg}/…. ``options.base_url`` (scheme
+ host) moves every request onto one host (a mirror, a proxy, a test server): the search goes to
``base_url + search_path`` (default ``/bxsearch``), ``channels`` may be paths, detail links are rehosted.
Without it the defaults are the real hosts; ``search_url`` and ``detail_host`` still work.
Access: search mode GETs ``search_url`` once per keyword (timeType=6, start_time/end_time
``YYYY:MM:DD``, ``page_index`` from 1); channel mode GETs ``index.htm``, ``index_1.htm`` … of each
channel, reading the page count from the ``Pager({size, current})`` script. Summary channels
(``/cggg/zygg/``, ``/cggg/dfgg/``) start each row with ``<em rel="bxlx">type</em>`` and label the other
``em``: 发布时间/地域/采购人 (chenhw7/hongtu scraper/ccgp/channel.py docstring, 2026; several 2026 crawlers
select ``em[rel="bxlx"]``); per-type channels have only date/region/buyer ``em``. Detail pages in the
vF_detail_*, older vT_detail_* and 2026 ``#noticeArea`` / ``noticePurchase-*`` layouts.
Caveats: search rate-limits hard ("访问过于频繁"); keep intervals long. The result ``li > a`` hrefs
can be missing, so the page-bottom ``var ohtmlurls="…"`` list is the fallback. Ids in
``t{YYYYMMDD}_{id}.htm`` increase over time, so the id is the cursor. No real search or channel page
was captured yet (research/sources.md §1.2): the parsers follow ~10 crawlers' selectors.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tenderbot.errors import FetchError, ParseError
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    base_url_option,
    clean_hints,
    clean_text,
    config_problems,
    number_key,
    option_list,
    parse_listing_time,
    province_short,
    rehost,
    site_url,
    time_key,
    window,
    yuan_text,
)
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.pages import bounded_tree

DEFAULT_SEARCH_URL = "http://search.ccgp.gov.cn/bxsearch"
DEFAULT_SEARCH_PATH = "/bxsearch"
# Crawlers send the portal's home page as Referer (e.g. a 2026 axios channel crawler, 'http://www.ccgp.gov.cn/').
REFERER = "http://www.ccgp.gov.cn/"
# Generic terms of our two categories; an operator narrows or widens them in config/sources.yaml.
DEFAULT_KEYWORDS: tuple[str, ...] = ("仪器", "检测设备", "分析仪", "医疗设备", "医疗器械")
_DETAIL_ID = re.compile(r"/t(\d{8})_(\d+)\.s?html?")
_OHTMLURLS = re.compile(r"""var\s+ohtmlurls\s*=\s*["']([^"']*)["']""")
# Anchored on the Pager call: a bare "size: N" matched "font-size:18px" in a real page's inline CSS.
_PAGER = re.compile(r"\bPager\s*\(\s*\{([^}]*)\}")
_PAGER_FIELD = re.compile(r"\b(size|current)\s*:\s*['\"]?(\d+)")
_CHANNEL_LABELS = {"发布时间": "published_at", "地域": "province", "采购人": "buyer", "采购单位": "buyer"}
_DETAIL_BODY = ("div.vF_detail_content, div.vT_detail_content, div.vF_detail_main, div.vT_detail_main, "
                "div#noticeArea, div[class*=\"noticePurchase-\"]")
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

        def channel_urls() -> None:
            base_url_option(options)
            for channel in option_list(options, "channels"):
                site_url(options, channel, key="channels")

        return config_problems(*(partial(option_list, options, key) for key in ("keywords", "channels")), channel_urls)

    def streams(self) -> tuple[str, ...]:
        """One stream per channel URL (channel mode) or per keyword (search mode)."""
        options = self.config.options
        channels = option_list(options, "channels")
        if channels:
            return tuple(f"channel:{site_url(options, url, key='channels')}" for url in channels)
        return tuple(f"kw:{kw}" for kw in option_list(self.config.options, "keywords", DEFAULT_KEYWORDS))

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """One search-result page or one channel page."""
        mode, _, value = request.stream.partition(":")
        if mode == "channel":
            url = _channel_page_url(value, request.page_no)
            page = await fetcher.get(url, headers={"Referer": self._referer()})
            return self._rehosted(parse_channel_page(fetcher.text(page), base_url=url, page_index=request.page_no + 1))
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
        url = self._search_url()
        page = await fetcher.get(url, params=params, headers={"Referer": self._referer()})
        return self._rehosted(parse_search_page(fetcher.text(page), base_url=url, page_index=request.page_no + 1))

    def _search_url(self) -> str:
        """``base_url + search_path`` when ``base_url`` is set, else ``search_url`` (default the real bxsearch)."""
        options = self.config.options
        if "search_url" in options:
            return site_url(options, str(options["search_url"]), key="search_url")
        if base_url_option(options):
            return site_url(options, str(options.get("search_path", DEFAULT_SEARCH_PATH)), key="search_path")
        return DEFAULT_SEARCH_URL

    def _referer(self) -> str:
        """The home page of the configured host (the real portal's by default)."""
        base = base_url_option(self.config.options)
        return base + "/" if base else REFERER

    def _rehosted(self, page: ListPage) -> ListPage:
        """Detail links moved onto ``base_url`` (or the older ``detail_host``) when configured."""
        options = self.config.options
        host = options.get("detail_host") or base_url_option(options)
        if not isinstance(host, str) or not host:
            return page
        items = tuple(dataclasses.replace(i, url=rehost(i.url, host)) for i in page.items)
        return dataclasses.replace(page, items=items)

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """Fetch a detail page; summary-table facts and attachments complement the extraction."""
        page = await fetcher.get(item.url, headers={"Referer": self._referer()})
        html = fetcher.text(page)
        tree = bounded_tree(html)
        title_node = tree.css_first("title")
        if title_node is not None and "错误页面" in title_node.text():
            raise FetchError(f"{item.url}: ccgp error page (notice withdrawn or moved)")
        if tree.css_first(_DETAIL_BODY) is None:
            raise ParseError(f"{item.url}: no vF_/vT_detail or #noticeArea content on the page")
        hints = {**item.hints, **summary_hints(tree)}
        title = _meta(tree, "ArticleTitle") or _text(tree.css_first(
            "div.vF_detail_header h2, .vT_detail_header h2, [class*=\"noticePurchase-title\"], #noticeArea h2"))
        published = (parse_listing_time(_meta(tree, "PubDate"))
                     or parse_listing_time(_text(tree.css_first("span#pubTime, [class*=\"noticePurchase-time\"]")))
                     or item.published_at)
        notice = await self.extract(html, url=item.url, title=title or item.title, published_at=published,
                                    hints=hints)
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
    return ListPage(tuple(items), has_more=_has_more(html, page_index, len(items)))


def parse_channel_page(html: str, *, base_url: str, page_index: int = 1) -> ListPage:
    """Items of a channel list page (``ul.c_list_bid li``), summary rows with ``em[rel=bxlx]`` included."""
    tree = LexborHTMLParser(html)
    items = []
    for li in tree.css("ul.c_list_bid li, ul.c_list_tat li"):
        anchor = li.css_first("a")
        href = anchor.attributes.get("href") if anchor else None
        if anchor is None or not href:
            continue
        title = clean_text(anchor.attributes.get("title") or anchor.text())
        facts = {"title": title or "", **_channel_facts(li)}
        published = parse_listing_time(facts.pop("published_at", None))
        items.append(_item(absolute(base_url, href), title, published, facts))
    return ListPage(tuple(items), has_more=_has_more(html, page_index, len(items)))


def _channel_facts(li: LexborNode) -> dict[str, str]:
    """Type, date, region and buyer of a channel row, by the label before each ``em`` when there is one.

    Summary rows read ``<em rel="bxlx">type</em> 发布时间：<em>…</em> 地域：<em>…</em> 采购人：<em>…</em>``
    and the region may be empty (雄安新区 rows, per chenhw7/hongtu docs); per-type channels carry bare
    date / region / buyer ``em`` in that order (research/sources.md §1.1).
    """
    facts: dict[str, str] = {}
    unlabelled: list[str] = []
    for em in li.css("em"):
        value = clean_text(em.text()) or ""
        if em.attributes.get("rel") == "bxlx":
            if value:
                facts["notice_type_hint"] = value
            continue
        label = _label_before(em)
        key = _CHANNEL_LABELS.get(label) if label else None
        if key is None:
            unlabelled.append(value)
        elif value:
            facts[key] = value
    if unlabelled and not (facts.keys() & {"published_at", "province", "buyer"}):
        for key, value in zip(("published_at", "province", "buyer"), unlabelled, strict=False):
            if value:
                facts[key] = value
    if "province" in facts:
        province = province_short(facts["province"])
        if province:
            facts["province"] = province
        else:
            del facts["province"]
    return facts


def _label_before(node: LexborNode) -> str | None:
    """The ``标签：`` text right before an element (its previous text sibling), without the colon."""
    previous = node.prev
    while previous is not None and previous.tag == "-text" and not (previous.text() or "").strip():
        previous = previous.prev
    if previous is None or previous.tag != "-text":
        return None
    text = (previous.text() or "").strip()
    found = re.search(r"([\u4e00-\u9fff]+)\s*[:：]$", text)
    return found.group(1) if found else None


def _has_more(html: str, page_index: int, count: int) -> bool:
    """Whether a page after ``page_index`` (1-based) exists, by the ``Pager({size, current})`` call.

    ``size`` is the page count and ``current`` the 0-based page shown; without a pager, a full page
    (20 rows) suggests more.
    """
    if not count:
        return False
    pager = _PAGER.search(html)
    fields = {key: int(value) for key, value in _PAGER_FIELD.findall(pager.group(1))} if pager else {}
    if "size" not in fields:
        return count >= _PAGE_SIZE
    return max(fields.get("current", 0) + 1, page_index) < fields["size"]


def _channel_page_url(first: str, page_no: int) -> str:
    """``index.htm`` for the first page, ``index_N.htm`` after it (TRS paging); a bare folder gets index.htm."""
    if page_no == 0:
        return first
    base = first if first.endswith((".htm", ".html")) else first.rstrip("/") + "/index.htm"
    return re.sub(r"index(\.s?html?)$", rf"index_{page_no}\1", base)


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
