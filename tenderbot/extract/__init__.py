"""Announcement text → fields, source-independent.

``extract_notice`` is the one entry point the sources and the CLI use.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tenderbot.extract.text import normalize
from tenderbot.models import Notice


def extract_notice(
    content: str | bytes,
    *,
    url: str = "",
    title: str | None = None,
    published_at: datetime | None = None,
    hints: Mapping[str, str] | None = None,
) -> Notice:
    """Extract a notice from an HTML page, an HTML fragment or plain text (first cut)."""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    tree = HTMLParser(content)
    text = normalize(tree.body.text(separator="\n") if tree.body else content)
    heading = tree.css_first("h1, h2, title")
    found_title = title or (normalize(heading.text()) if heading else None)
    return Notice(url=url, title=found_title, published_at=published_at, text=text)
