"""Pure helpers over fetched bytes: charset detection and block / CAPTCHA page recognition."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tenderbot.extract.bounds import cap_html_depth

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Portals declare gb2312/gbk but write characters outside it (rare names like 㛃, the euro sign);
# gb18030 is a strict superset, so decode every GB declaration with it.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936", "euc-cn"})

# Titles of pages a WAF or a portal serves instead of content (research/sources.md §1.4: a Java ccgp
# crawler checks document.title == "安全验证"; search.ccgp answers "访问过于频繁" when rate-limited).
BLOCK_TITLE_MARKERS: tuple[str, ...] = (
    "安全验证",
    "访问过于频繁",
    "验证码",
    "访问受限",
    "人机验证",
    "Access Denied",
    "Too Many Requests",
)
# Phrases that give a block away in the body of a short page whose title says nothing.
BLOCK_BODY_MARKERS: tuple[str, ...] = ("访问过于频繁", "安全验证", "请输入验证码", "滑动验证", "访问受限")
# A real ccgp detail page carries the /_bot_sbu/ challenge scripts AND the announcement; a challenge
# page carries only the scripts. Below this many visible characters we treat it as the challenge.
_CHALLENGE_TEXT_LIMIT = 200
_SHORT_PAGE_TEXT_LIMIT = 2000
_SHORT_PAGE_RAW_LIMIT = 30000


def normalize_encoding(name: str) -> str | None:
    """Return a Python codec name for a declared charset, or None when unknown."""
    cleaned = name.strip().strip("\"'").lower()
    if cleaned in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(cleaned).name
    except LookupError:
        return None


def declared_encoding(content: bytes, headers: Mapping[str, str]) -> str | None:
    """The charset a response declares: Content-Type header first, then a <meta> tag."""
    content_type = _header(headers, "content-type")
    if content_type:
        found = _HEADER_CHARSET.search(content_type)
        if found and (codec := normalize_encoding(found.group(1))):
            return codec
    meta = _META_CHARSET.search(content[:4096])
    if meta:
        return normalize_encoding(meta.group(1).decode("ascii", errors="ignore"))
    return None


def decode_content(content: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Decode page bytes; return (text, codec used).

    Order: BOM (it cannot lie), declared charset (header, then <meta>), strict UTF-8, else gb18030.
    A declared charset that fails strictly falls through to the next guess.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return content.decode(codec, errors="replace"), codec
    declared = declared_encoding(content, headers or {})
    candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    for codec in dict.fromkeys(candidates):
        try:
            return content.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return content.decode("gb18030", errors="replace"), "gb18030"


def looks_like_json(text: str) -> bool:
    """True when a body is a JSON document rather than a page."""
    return text.lstrip()[:1] in ("{", "[")


def page_title(text: str) -> str:
    """The <title> of an HTML page, stripped; empty when there is none."""
    found = _TITLE.search(text[:20000])
    return found.group(1).strip() if found else ""


def visible_text(text: str) -> str:
    """The text a reader would see in the body (scripts and styles removed)."""
    tree = HTMLParser(text)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body = tree.body
    return (body.text(separator=" ") if body else "").strip()


# Alibaba Cloud WAF answers HTTP 200 with a tiny script computing the acw_sc__v2 cookie from
# ``var arg1='…'`` (seen in 2025-26 crawlers' anti-bot notes for 政采云 b.zhengcaiyun.cn, research §2.4).
_ACW_CHALLENGE = re.compile(r"var\s+arg1\s*=|acw_sc__v2")
# jiasule (加速乐) answers HTTP 521 with a script that sets __jsl_clearance.
_JIASULE = re.compile(r"__jsl_clearance|jsl_clearance_s|document\.cookie\s*=")


def block_reason(text: str, status: int = 200) -> str | None:
    """Why a page is a block / CAPTCHA page, or None when it looks like real content."""
    if looks_like_json(text):
        return None
    if status == 521:
        return "jiasule (加速乐) JavaScript challenge (HTTP 521)" + (
            "" if _JIASULE.search(text[:20000]) else ", no challenge script")
    if len(text) < _SHORT_PAGE_RAW_LIMIT and _ACW_CHALLENGE.search(text):
        return "Alibaba Cloud WAF acw_sc__v2 JavaScript challenge"
    title = page_title(text)
    for marker in BLOCK_TITLE_MARKERS:
        if marker.lower() in title.lower():
            return f"block page (title {title!r})"
    if status == 429:
        return "HTTP 429 Too Many Requests"
    if "/_bot_sbu/" not in text and len(text) > _SHORT_PAGE_RAW_LIMIT:
        # A long page is content; parsing it here only to find a block marker would double the cost.
        return "HTTP 412 from the portal's firewall" if status == 412 else None
    shown = visible_text(text)
    compact = "".join(shown.split())
    if "/_bot_sbu/" in text and len(compact) < _CHALLENGE_TEXT_LIMIT:
        return "ccgp _bot_sbu challenge page without content"
    if len(compact) < _SHORT_PAGE_TEXT_LIMIT:
        for marker in BLOCK_BODY_MARKERS:
            if marker in compact:
                return f"block page (body says {marker!r})"
    if status == 412:
        return "HTTP 412 from the portal's firewall"
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def bounded_tree(html: str) -> HTMLParser:
    """A detail page parsed with its nesting capped like extraction's: adapters parse on the loop (issue 16)."""
    return HTMLParser(cap_html_depth(html)[0])
