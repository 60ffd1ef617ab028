"""Any portal with an HTML list page, configured with CSS selectors instead of code.

Domain: whatever ``options.list_url`` points at (a path joins ``options.base_url``; with ``base_url`` set
an absolute ``list_url`` moves onto it) (a provincial 公共资源交易 channel, a hospital's 招标公告 page).
Access: GET the list page (ETag / Last-Modified on the first page), follow ``next_page`` links up to
``max_pages``, GET each item's link; ``body`` narrows the detail page to the announcement.
Caveats: without a ``date`` selector the source has no time order and relies on its seen-set alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from selectolax.lexbor import LexborHTMLParser

from tenderbot.errors import ConfigError, ParseError
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    absolute,
    clean_hints,
    clean_text,
    option_str,
    parse_listing_time,
    site_url,
    time_key,
)
from tenderbot.sources.fetch import Fetcher

_SELECTOR_OPTIONS = ("item", "link", "title", "date", "body", "next_page")


class HtmlListSource(ListingSource):
    """A list page of links, read with configured CSS selectors."""

    kind: ClassVar[str] = "html_list"
    conditional: ClassVar[bool] = True

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """``list_url`` and ``item`` are required; every selector must parse."""
        problems = []
        for key in ("list_url", "item"):
            try:
                text = option_str(options, key)
                if key == "list_url":
                    site_url(options, text, key=key)
            except ConfigError as exc:
                problems.append(str(exc))
        probe = LexborHTMLParser("<html><body></body></html>")
        for key in _SELECTOR_OPTIONS:
            value = options.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                problems.append(f"option {key!r} must be a CSS selector string")
                continue
            try:
                probe.css(value)
            except Exception as exc:  # selectolax raises its own error types for bad selectors
                problems.append(f"option {key!r}: invalid CSS selector {value!r} ({exc})")
        return problems

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """Read the list page (or the page a previous ``next_page`` link pointed at)."""
        options = self.config.options
        url = request.token or site_url(options, option_str(options, "list_url"), key="list_url")
        page = await fetcher.get(url, etag=request.etag, last_modified=request.last_modified)
        tree = LexborHTMLParser(fetcher.text(page))
        items = tuple(self._items(tree, url))
        next_token = None
        if options.get("next_page"):
            nxt = tree.css_first(str(options["next_page"]))
            href = nxt.attributes.get("href") if nxt else None
            if href and not href.startswith(("javascript:", "#")):
                next_token = absolute(url, href)
        return ListPage(items, has_more=next_token is not None, etag=page.headers.get("etag"),
                        last_modified=page.headers.get("last-modified"), next_token=next_token)

    def _items(self, tree: LexborHTMLParser, base_url: str) -> list[ListItem]:
        """Listing items by the configured selectors; entries without a link are skipped."""
        options = self.config.options
        items = []
        for node in tree.css(option_str(options, "item")):
            link = node.css_first(str(options.get("link", "a")))
            href = link.attributes.get("href") if link else None
            if link is None or not href or href.startswith("javascript:"):
                continue
            url = absolute(base_url, href)
            title_node = node.css_first(str(options["title"])) if options.get("title") else link
            title = clean_text((title_node.attributes.get("title") or title_node.text()) if title_node else None)
            date_node = node.css_first(str(options["date"])) if options.get("date") else None
            published = parse_listing_time(date_node.text()) if date_node else None
            items.append(ListItem(source_id=url, url=url, title=title, published_at=published,
                                  key=time_key(published), hints=clean_hints(title=title, published_at=published)))
        return items

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """Fetch the item's page, narrow it to ``body`` when configured, extract."""
        page = await fetcher.get(item.url)
        content = fetcher.text(page)
        selector = self.config.options.get("body")
        if selector:
            body = LexborHTMLParser(content).css_first(str(selector))
            if body is None:
                raise ParseError(f"{item.url}: body selector {selector!r} matched nothing")
            content = body.html or ""
        hints = dict(item.hints)
        province = self.config.options.get("province")
        if isinstance(province, str):
            hints["province"] = province
        return await self.extract(content, url=item.url, title=item.title, published_at=item.published_at,
                                    hints=hints)

