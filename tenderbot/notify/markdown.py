"""Markdown for team robots (WeCom, DingTalk, Feishu): escape portal strings, links, splitting, HTML→Markdown.

The three platforms each speak a different, loosely specified Markdown subset, and none documents a
reliable backslash escape. Portal strings (titles, buyer names) therefore have their markup characters
replaced by the full-width forms Chinese text already uses (【】 style): ``*`` → ``＊``, ``[`` → ``［`` …
They read the same, and no platform can take them for markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Characters that start or end markup on at least one platform. Parentheses stay ASCII: they only
# form a link after "]", and every "]" is replaced, so "（2024）" and "(2024)" both stay as written.
_FULL_WIDTH = str.maketrans({
    "*": "＊", "_": "＿", "[": "［", "]": "］", "#": "＃", ">": "＞", "<": "＜", "`": "｀", "~": "～",
    "|": "｜", "\\": "＼",
})
_SPACES = re.compile(r"\s+")
_UNSAFE_URL = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22"}


def escape_md(text: str | None) -> str:
    """A portal string made inert in every robot Markdown: one line, markup characters full-width."""
    if not text:
        return ""
    return _SPACES.sub(" ", text).strip().translate(_FULL_WIDTH)


def md_bold(text: str | None) -> str:
    """``**text**`` with ``text`` escaped (empty string for empty text)."""
    escaped = escape_md(text)
    return f"**{escaped}**" if escaped else ""


def md_url(url: str) -> str:
    """``url`` safe inside ``(…)``; anything but http(s) becomes empty (no javascript: links)."""
    url = url.strip()
    if not re.match(r"https?://", url, re.I):
        return ""
    return "".join(_UNSAFE_URL.get(ch, ch) for ch in url)


def md_link(label: str | None, url: str) -> str:
    """``[label](url)``; just the escaped label when the URL is not http(s)."""
    safe = md_url(url)
    text = escape_md(label) or safe
    return f"[{text}]({safe})" if safe else text


def utf8_len(text: str) -> int:
    """Length in UTF-8 bytes, the unit WeCom's 4096 limit counts."""
    return len(text.encode())


def clip_utf8(text: str, max_bytes: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes at a character boundary, marked with ``ellipsis``."""
    if utf8_len(text) <= max_bytes:
        return text
    budget = max_bytes - utf8_len(ellipsis)
    cut = text.encode()[: max(budget, 0)].decode(errors="ignore")
    return cut + ellipsis if budget >= 0 else cut


def split_markdown(text: str, max_bytes: int) -> list[str]:
    """Split at line boundaries into parts of at most ``max_bytes`` bytes; clip a line longer than that."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        line = clip_utf8(line, max_bytes)
        extra = utf8_len(line) + (1 if current else 0)
        if current and size + extra > max_bytes:
            parts.append("\n".join(current).strip("\n"))
            current, size = [], 0
            extra = utf8_len(line)
        current.append(line)
        size += extra
    tail = "\n".join(current).strip("\n")
    if tail or not parts:
        parts.append(tail)
    return [part for part in parts if part] or [""]


class _HtmlToMarkdown(HTMLParser):
    """Telegram HTML (what notify.render produces) → robot Markdown."""

    _MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "strike": "~~", "del": "~~",
              "code": "`", "pre": "`"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[int, str]] = []
        self.quote = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a mark; remember where a link's label starts."""
        if tag in self._MARKS:
            self.out.append(self._MARKS[tag])
        elif tag == "a":
            self.links.append((len(self.out), dict(attrs).get("href") or ""))
        elif tag == "blockquote":
            self.out.append("\n> ")
            self.quote = True
        elif tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Close a mark; turn a finished link into ``[label](url)``."""
        if tag in self._MARKS:
            self.out.append(self._MARKS[tag])
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            label = "".join(self.out[start:])
            del self.out[start:]
            safe = md_url(href)
            self.out.append(f"[{label}]({safe})" if safe and label else label)
        elif tag == "blockquote":
            self.quote = False
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        """Text: escaped per line, so the line structure of the message survives."""
        lines = [line.translate(_FULL_WIDTH) for line in data.split("\n")]
        self.out.append(("\n> " if self.quote else "\n").join(lines))


def telegram_html_to_markdown(text: str) -> str:
    """Convert Telegram-HTML from ``notify.render`` to robot Markdown (bold, italics, links, quotes)."""
    parser = _HtmlToMarkdown()
    parser.feed(text)
    parser.close()
    return "".join(parser.out).strip()
