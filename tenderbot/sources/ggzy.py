"""全国公共资源交易平台 (www.ggzy.gov.cn): the 2026 ``getTradList`` listing, then the ``/html/b/`` notice pages.

Domain: ``options.base_url`` (default https://www.ggzy.gov.cn); ``list_path`` and the detail links are
relative to it, so a mirror or a local server stands in for the portal.
Access: ``POST {base_url}/information/pubTradingInfo/getTradList``, form-encoded (SOURCE_TYPE 1 =
交易公告 / 2 = 成交公示, DEAL_TIME, TIMEBEGIN/TIMEEND ``YYYY-MM-DD``, PAGENUMBER from 1, FINDTXT,
DEAL_PROVINCE 6-digit code), answering ``{code, message, data:{records, total, size, current, pages}}``.
Records carry ``id, title, publishTime, businessTypeText, informationType(Text), province(Text), url``;
``url`` is the ``/information/deal/html/a/…`` meta page, whose ``/html/b/`` twin holds the notice text.
Evidence: chenhw7/hongtu docs/数据源扩展-可行性调研实施报告.md §3.2-3.4 (captured 2026-07-21,
sample ggzy-gettradlist-2026-07-21-excerpt.json) and scraper/ggzy_national/api.py, parser.py @58f7af1.
Caveats: the API has no business-type parameter in any crawler we found, so 政府采购 is filtered
client-side on ``businessTypeText`` (``business_types``), as is ``information_types``. ``code: 829`` is
the portal's captcha (a 2026 trial crawler stops on it), i.e. a block. The retired
``deal.ggzy.gov.cn/ds/deal/dealList_find.jsp`` (502 in 2026) is no longer spoken.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar
from urllib.parse import urlsplit

from tenderbot.errors import BlockedError, FetchError, ParseError
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    as_int,
    base_url_option,
    clean_hints,
    clean_text,
    config_problems,
    option_list,
    parse_listing_time,
    province_short,
    renamed_option,
    time_key,
    window,
)
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.pages import bounded_tree

DEFAULT_BASE_URL = "https://www.ggzy.gov.cn"
DEFAULT_LIST_PATH = "/information/pubTradingInfo/getTradList"
# The page a browser shows the listing on; crawlers send it as Referer (hongtu api.py, 2026).
REFERER_PATH = "/deal/dealList.html"
DEFAULT_BUSINESS_TYPES: tuple[str, ...] = ("政府采购",)
# "code": 829 answers a request that must solve a captcha first (a 2026 getTradList trial crawler).
CAPTCHA_CODE = 829


class GgzySource(ListingSource):
    """The national public-resource trading platform's trading-information listing."""

    kind: ClassVar[str] = "ggzy"
    default_base_url: ClassVar[str | None] = DEFAULT_BASE_URL

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """Retired options of the dealList_find.jsp API name their replacements; lists must be lists."""
        retired = (
            ("list_url", "base_url", "dealList_find.jsp was retired; the 2026 API is POST "
             f"{DEFAULT_LIST_PATH} on {DEFAULT_BASE_URL}"),
            ("deal_classify", "business_types", "e.g. [政府采购]"),
            ("deal_stage", "information_types", "e.g. [采购/资审公告] or codes like 0201"),
        )
        problems = config_problems(
            *(partial(renamed_option, options, old, new, why) for old, new, why in retired),
            *(partial(option_list, options, key) for key in ("business_types", "information_types")),
            partial(base_url_option, options),
        )
        source_type = str(options.get("source_type", "1"))
        if source_type not in ("1", "2"):
            problems.append(f"option 'source_type' must be 1 (交易公告) or 2 (成交公示), got {source_type!r}")
        return problems

    def list_form(self, request: PageRequest) -> dict[str, str]:
        """The form fields of one listing page: date window, page number, optional keyword and province."""
        options = self.config.options
        start, end = window(request.now, request.since)
        form = {
            "SOURCE_TYPE": str(options.get("source_type", "1")),
            "DEAL_TIME": str(options.get("deal_time", "06")),  # with TIMEBEGIN/TIMEEND the range wins (§3.2)
            "TIMEBEGIN": start.strftime("%Y-%m-%d"),
            "TIMEEND": end.strftime("%Y-%m-%d"),
            "PAGENUMBER": str(request.page_no + 1),
        }
        if options.get("keyword"):
            form["FINDTXT"] = str(options["keyword"])
        if options.get("province_code"):
            form["DEAL_PROVINCE"] = str(options["province_code"])
        return form

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """POST the getTradList form for one page; keep the records of the wanted business types."""
        url = self.base_url + str(self.config.options.get("list_path", DEFAULT_LIST_PATH))
        page = await fetcher.post(url, data=self.list_form(request), headers={
            "Accept": "application/json, text/plain, */*",
            "Origin": self.base_url,
            "Referer": self.base_url + REFERER_PATH,
            "X-Requested-With": "XMLHttpRequest",
        })
        document = fetcher.json(page)
        if not isinstance(document, dict):
            raise ParseError(f"{url}: JSON is not an object")
        code = as_int(document.get("code"))
        if code == CAPTCHA_CODE:
            raise BlockedError(f"{url}: captcha required (code {CAPTCHA_CODE})")
        if code is not None and code != 200:
            raise FetchError(f"{url}: listing failed (code {code}: {document.get('message')!r})")
        data = document.get("data")
        records = data.get("records") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(records, list):
            raise ParseError(f"{url}: no data.records in the response")
        items = tuple(item for r in records if isinstance(r, dict) and (item := self._item(r)) is not None)
        current, pages = as_int(data.get("current")), as_int(data.get("pages"))
        more = current < pages if current is not None and pages is not None else bool(records)
        return ListPage(items, has_more=more and bool(records), listed=len(records))

    def _wanted(self, record: Mapping[str, Any]) -> bool:
        """True when the record's business and information types pass the configured filters."""
        options = self.config.options
        business = option_list(options, "business_types", DEFAULT_BUSINESS_TYPES)
        if business and "*" not in business and str(record.get("businessTypeText") or "") not in business:
            return False
        information = option_list(options, "information_types")
        if information:
            values = {str(record.get("informationType") or ""), str(record.get("informationTypeText") or "")}
            return bool(values & set(information))
        return True

    def _item(self, record: Mapping[str, Any]) -> ListItem | None:
        """A listing item pointing at the ``/html/b/`` notice page; None without a link or when filtered out."""
        link = record.get("url")
        if not isinstance(link, str) or not link or not self._wanted(record):
            return None
        url = self.detail_url(link)
        published = parse_listing_time(record.get("publishTime"))
        title = clean_text(record.get("title"))
        record_id = clean_text(str(record.get("id") or "")) or urlsplit(url).path
        hints = clean_hints(title=title, published_at=published, province=province_short(record.get("provinceText")),
                            notice_type_hint=record.get("informationTypeText"))
        return ListItem(source_id=record_id, url=url, title=title, published_at=published,
                        key=time_key(published), hints=hints)

    def detail_url(self, link: str) -> str:
        """The notice page of a listed link: ``/html/a/`` → ``/html/b/`` (hongtu parser.py), on ``base_url``."""
        path = urlsplit(link).path if urlsplit(link).scheme else link
        return absolute(self.base_url + "/", path.replace("/html/a/", "/html/b/", 1))

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """GET the notice page; title ``h4.h4_o``, time in ``p.p_o span``, body ``div#mycontent`` or the page."""
        page = await fetcher.get(item.url, headers={"Referer": self.base_url + REFERER_PATH})
        html = fetcher.text(page)
        tree = bounded_tree(html)
        body = tree.css_first("div#mycontent, div.detail_content")
        if body is None:
            # No real /html/b/ page was captured yet; crawlers read tables and "标签：值" lines of the whole
            # page (hongtu scraper/ggzy_national/detail.py), so the page body is the fallback.
            body = tree.body
        if body is None or not (body.text() or "").strip():
            raise ParseError(f"{item.url}: empty notice page")
        heading = tree.css_first("h4.h4_o")
        title = clean_text(heading.text()) if heading else item.title
        published = item.published_at
        for span in tree.css("p.p_o span"):
            text = span.text()
            if "发布时间" in text:
                published = parse_listing_time(text) or published
        return await self.extract(body.html or "", url=item.url, title=title, published_at=published,
                                    hints=item.hints)

