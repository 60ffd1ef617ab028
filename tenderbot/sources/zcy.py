"""政采云 family: the provincial 政府采购网 sites built on 政采云 (浙江, 广西, 贵州, 吉林, 上海 …).

Domain: ``options.base_url`` (zfcg.czt.zj.gov.cn, www.ccgp-guangxi.gov.cn …), one source per site.
Access: ``POST {base_url}/portal/category`` (JSON: pageNo, pageSize, categoryCode, …) per configured
category code, newest first, paged until ``publishDate`` (epoch ms) falls below the cursor; then
``GET {base_url}/portal/detail?articleId=…&timestamp=…`` whose ``result.data.content`` is the HTML.
Headers: ``Origin`` and a ``{base_url}/site/category?parentId=…`` Referer (``referer_parent_id``), as
2025-26 crawlers send them (a 2026 Zhejiang crawler, index file id 60318455047, lands on
``/site/category?parentId=600007`` and posts ``excludeDistrictPrefix: ["90","006011","H0","001111"]``).
An HTTP 422 means the portal rejected the body: a ConfigError naming the option to fix.
Caveats: category codes differ by site (浙江 ``110-978863`` 采购项目公告, ``110-900461`` 采购结果公告,
``110-175885`` 采购意向 per two 2026 code maps, index file ids 57657164360 and 57395698769; 广西
``ZcyAnnouncement3001``);
``announcementLinkDtoList`` ties a project's notices together and becomes ``Notice.links``. The
unified b.zhengcaiyun.cn search sits behind a WAF (research/sources.md §2.4); the provincial
``portal/*`` endpoints are used instead.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from tenderbot.errors import ConfigError, FetchError, ParseError
from tenderbot.models import Notice, RawPage
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    base_url_option,
    clean_hints,
    clean_text,
    number_key,
    option_list,
    option_str,
    parse_listing_time,
    positive_int_problems,
    province_short,
)
from tenderbot.sources.fetch import Fetcher, HttpStatusError

_DEFAULT_PAGE_SIZE = 15


class ZcySource(ListingSource):
    """One 政采云-family site, polled per announcement category."""

    kind: ClassVar[str] = "zcy"

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """``base_url`` and at least one ``category_codes`` entry are required."""
        problems = []
        try:
            option_str(options, "base_url")
            if not option_list(options, "category_codes"):
                problems.append("option 'category_codes' must list at least one category code")
        except ConfigError as exc:
            problems.append(str(exc))
        problems.extend(positive_int_problems(options, "page_size"))
        try:
            option_list(options, "exclude_district_prefix")
            base_url_option(options)
        except ConfigError as exc:
            problems.append(str(exc))
        extra = options.get("extra_body")
        if extra is not None and not isinstance(extra, Mapping):
            problems.append("option 'extra_body' must be a mapping of JSON fields")
        return problems

    def headers(self) -> dict[str, str]:
        """What the site's own page sends: JSON accept, ``Origin`` and the category page as ``Referer``."""
        parent = self.config.options.get("referer_parent_id")
        referer = f"{self.base_url}/site/category" + (f"?parentId={parent}" if parent else "")
        return {"Accept": "application/json, text/plain, */*", "Origin": self.base_url, "Referer": referer}

    def streams(self) -> tuple[str, ...]:
        """One stream per category code."""
        return option_list(self.config.options, "category_codes")

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """POST the category listing for one page."""
        options = self.config.options
        size = int(options.get("page_size", _DEFAULT_PAGE_SIZE))
        body: dict[str, Any] = {"pageNo": request.page_no + 1, "pageSize": size,
                                "categoryCode": request.stream, "isGov": True}
        excluded = option_list(options, "exclude_district_prefix")
        if excluded:
            body["excludeDistrictPrefix"] = list(excluded)
        body.update(dict(options.get("extra_body") or {}))
        body["_t"] = int(request.now.timestamp() * 1000)
        path = str(options.get("list_path", "/portal/category"))
        try:
            page = await fetcher.post(self.base_url + path, json=body, headers=self.headers())
        except HttpStatusError as exc:
            if exc.status == 422:
                raise ConfigError(
                    f"{exc.url}: HTTP 422, the portal rejected the listing body; check option 'category_codes' "
                    f"(sent categoryCode {request.stream!r}), then 'exclude_district_prefix' and 'extra_body' "
                    f"(sent fields {sorted(body)}); portal said: {exc.snippet!r}"
                ) from exc
            raise
        data = _result_data(fetcher, page)
        records = data.get("data") or []
        if not isinstance(records, list):
            raise ParseError(f"{page.url}: result.data.data is not a list")
        items = tuple(self._item(r) for r in records if isinstance(r, dict) and r.get("articleId"))
        total = data.get("total")
        more = len(records) >= size and (not isinstance(total, int) or (request.page_no + 1) * size < total)
        return ListPage(items, has_more=more)

    def _item(self, record: Mapping[str, Any]) -> ListItem:
        """A listing item from one ``portal/category`` record."""
        article_id = str(record["articleId"])
        published = parse_listing_time(record.get("publishDate"))
        title = clean_text(record.get("title"))
        author = clean_text(record.get("author"))
        buyer = clean_text(record.get("purchaseName"))
        hints = clean_hints(
            title=title,
            buyer=buyer,
            agency=author if author and author != buyer else None,
            province=province_short(record.get("districtName")) or self.config.options.get("province"),
            notice_type_hint=record.get("pathName"),
            budget_yuan=record.get("budgetPrice"),
            project_code=record.get("projectCode"),
            published_at=published,
        )
        stamp = record.get("publishDate")
        return ListItem(
            source_id=article_id,
            url=f"{self.base_url}/site/detail?articleId={quote(article_id, safe='')}",
            title=title,
            published_at=published,
            key=number_key(int(stamp)) if isinstance(stamp, int) else None,
            hints=hints,
        )

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """GET ``portal/detail`` and extract ``content``; linked announcements become ``links``."""
        path = str(self.config.options.get("detail_path", "/portal/detail"))
        page = await fetcher.get(self.base_url + path, headers=self.headers(), params={
            "articleId": item.source_id, "timestamp": str(int(time.time()))})
        data = _result_data(fetcher, page)
        content = data.get("content")
        if not isinstance(content, str) or not content.strip():
            raise ParseError(f"{page.url}: detail has no content")
        published = parse_listing_time(data.get("publishDate")) or item.published_at
        hints = {**item.hints, **clean_hints(project_code=data.get("projectCode"))}
        notice = await self.extract(content, url=item.url, title=clean_text(data.get("title")) or item.title,
                                      published_at=published, hints=hints)
        links = tuple(
            str(link["articleId"])
            for link in data.get("announcementLinkDtoList") or []
            if isinstance(link, dict) and link.get("articleId") and str(link["articleId"]) != item.source_id
        )
        attachments = _attachments(data.get("attachmentList"))
        return dataclasses.replace(
            notice, links=tuple(dict.fromkeys(links)), attachments=notice.attachments or attachments
        )


def _result_data(fetcher: Fetcher, page: RawPage) -> dict[str, Any]:
    """``result.data`` of a 政采云 envelope; FetchError when the portal says it failed."""
    document = fetcher.json(page)
    if not isinstance(document, dict):
        raise ParseError(f"{page.url}: JSON is not an object")
    if document.get("success") is False:
        raise FetchError(f"{page.url}: portal error {document.get('error')!r}")
    result = document.get("result")
    data = result.get("data") if isinstance(result, dict) else None
    if not isinstance(data, dict):
        raise ParseError(f"{page.url}: no result.data in the response")
    return data


def _attachments(value: object) -> tuple[str, ...]:
    """Download links of ``attachmentList`` entries (field names vary; take any URL-looking value)."""
    if not isinstance(value, list):
        return ()
    urls = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        for key in ("fileUrl", "url", "downloadUrl", "link"):
            candidate = entry.get(key)
            if isinstance(candidate, str) and candidate.startswith(("http://", "https://", "/")):
                urls.append(candidate)
                break
    return tuple(urls)
