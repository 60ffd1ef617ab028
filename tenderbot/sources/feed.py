"""RSS 2.0 / Atom feeds.

Domain: any portal or aggregator that publishes announcements as a feed.
Access: GET ``options.url`` (a path joins ``options.base_url``; with ``base_url`` set an absolute ``url``
moves onto it; item links stay where the feed points) with ETag / Last-Modified; each new item's link
is fetched and extracted (``fetch_pages: false`` uses the item's own description instead).
Caveats: feeds in the wild carry junk before ``<?xml``, HTML entities (&nbsp;) and bare ``&``; the
parser repairs those and falls back to a tag-level scan when XML still fails.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

from tenderbot.errors import ConfigError, ParseError
from tenderbot.models import Notice
from tenderbot.sources.base import ListingSource, ListItem, ListPage, PageRequest
from tenderbot.sources.common import (
    BEIJING,
    absolute,
    clean_hints,
    clean_text,
    option_str,
    parse_listing_time,
    site_url,
    time_key,
)
from tenderbot.sources.fetch import Fetcher

_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]+);?")
_BARE_AMP = re.compile(r"&(?![#A-Za-z0-9])")
# RFC 5322 §3.3: "-0000" is UTC from a sender that will not say its local zone; Python's email.utils
# returns it naive, exactly like a date with no zone at all, which we would read as Beijing time.
_UNKNOWN_LOCAL_UTC = re.compile(r"\s-0000\s*$")
_BLOCK = re.compile(r"<(item|entry)\b[^>]*>(.*?)</\1>", re.DOTALL | re.IGNORECASE)


class FeedSource(ListingSource):
    """An RSS 2.0 or Atom feed whose items link to announcement pages."""

    kind: ClassVar[str] = "feed"
    conditional: ClassVar[bool] = True

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """A feed needs its ``url``."""
        try:
            site_url(options, option_str(options, "url"), key="url")
        except ConfigError as exc:
            return [str(exc)]
        return []

    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """A feed is a single page."""
        options = self.config.options
        url = site_url(options, option_str(options, "url"), key="url")
        page = await fetcher.get(url, etag=request.etag, last_modified=request.last_modified)
        items = tuple(parse_feed(fetcher.text(page), base_url=url))
        return ListPage(items, has_more=False, etag=page.headers.get("etag"),
                        last_modified=page.headers.get("last-modified"))

    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """Fetch the item's page (or use its description) and extract the announcement."""
        hints = clean_hints(title=item.title, published_at=item.published_at)
        if self.config.options.get("fetch_pages", True):
            page = await fetcher.get(item.url)
            content = fetcher.text(page)
        else:
            content = str(item.extra.get("description") or item.title or "")
        return await self.extract(content, url=item.url, title=item.title, published_at=item.published_at,
                                    hints=hints)


def parse_feed(text: str, *, base_url: str = "") -> list[ListItem]:
    """Items of an RSS 2.0 or Atom document, in document order (newest first by convention)."""
    start = text.find("<")
    if start < 0:
        raise ParseError("feed is empty or not XML")
    cleaned = _repair_entities(text[start:])
    try:
        root = ET.fromstring(cleaned)
    except ET.ParseError:
        return [_item_from_fields(fields, base_url) for fields in _scan_blocks(text)]
    items: list[ListItem] = []
    for element in root.iter():
        if _local(element.tag) in ("item", "entry"):
            items.append(_item_from_fields(_fields(element), base_url))
    if not items and _local(root.tag) not in ("rss", "feed", "RDF"):
        raise ParseError(f"not a feed: root element <{_local(root.tag)}>")
    return items


def _fields(element: ET.Element) -> dict[str, str]:
    """Child texts by local name; Atom <link href> becomes the ``link`` field."""
    fields: dict[str, str] = {}
    for child in element:
        name = _local(child.tag)
        if name == "link" and child.get("href") and child.get("rel", "alternate") == "alternate":
            fields.setdefault("link", child.get("href", ""))
            continue
        text = "".join(child.itertext()).strip()
        if text:
            fields.setdefault(name, text)
    return fields


def _scan_blocks(text: str) -> list[dict[str, str]]:
    """Last resort for broken XML: read <item>/<entry> blocks tag by tag."""
    found = []
    for match in _BLOCK.finditer(text):
        body = match.group(2)
        fields: dict[str, str] = {}
        for name in ("title", "link", "guid", "id", "pubDate", "published", "updated", "description", "summary"):
            tag = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", body, re.DOTALL | re.IGNORECASE)
            if tag:
                value = re.sub(r"^<!\[CDATA\[(.*)\]\]>$", r"\1", tag.group(1).strip(), flags=re.DOTALL)
                fields[name] = html.unescape(value).strip()
        if "link" not in fields and (href := re.search(r"<link\b[^>]*href=[\"']([^\"']+)", body)):
            fields["link"] = href.group(1)
        found.append(fields)
    return found


def _item_from_fields(fields: Mapping[str, str], base_url: str) -> ListItem:
    """A listing item from a feed entry's fields."""
    link = absolute(base_url, fields.get("link", "")) if fields.get("link") else ""
    identity = fields.get("guid") or fields.get("id") or link
    if not identity:
        raise ParseError("feed item has neither link nor guid")
    published = _entry_time(fields.get("pubDate") or fields.get("published") or fields.get("updated")
                            or fields.get("date"))
    return ListItem(
        source_id=identity,
        url=link or identity,
        title=clean_text(fields.get("title")),
        published_at=published,
        key=time_key(published),
        extra={"description": fields.get("description") or fields.get("summary") or fields.get("content", "")},
    )


_CST = re.compile(r"\s+CST\s*$")


def _entry_time(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom) time; Beijing time when the feed gives no zone."""
    if not value:
        return None
    # Chinese feeds write "CST" for China Standard Time; RFC 822 (and so Python) reads it as US Central,
    # which would put a Beijing 10:00 fourteen hours late. A procurement feed here means +0800.
    value = _CST.sub(" +0800", value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is not None and moment.tzinfo is None and _UNKNOWN_LOCAL_UTC.search(value):
        return moment.replace(tzinfo=UTC)
    if moment is None:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return parse_listing_time(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def _repair_entities(text: str) -> str:
    """Turn HTML entities into characters and bare '&' into '&amp;' so XML parsers accept the feed."""

    def fix(match: re.Match[str]) -> str:
        name = match.group(1)
        whole = match.group(0)
        if not whole.endswith(";"):
            return "&amp;" + whole[1:]
        if name in _XML_ENTITIES or name.startswith("#"):
            return whole
        decoded = html.unescape(whole)
        return "&amp;" + whole[1:] if decoded == whole else html.escape(decoded, quote=False)

    return _ENTITY.sub(fix, _BARE_AMP.sub("&amp;", text))


def _local(tag: str) -> str:
    """A tag name without its XML namespace."""
    return tag.rsplit("}", 1)[-1]
