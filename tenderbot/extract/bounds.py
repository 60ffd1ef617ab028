"""Bounds on the work one input may cost: JSON depth and size, HTML nesting depth.

Every check here is iterative (no recursion), so a hostile input can neither raise RecursionError
nor cost more than a linear scan. Issue 15 measured what the limits prevent: a JSON document
nested 1,000 deep raised RecursionError in ``json.loads``; 500 KB of unclosed ``<div>`` took 22 s
in lexbor, whose tree builder scans the open-element stack on every block start tag (quadratic).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tenderbot.errors import ParseError

__all__ = [
    "MAX_HTML_DEPTH", "MAX_JSON_CHARS", "MAX_JSON_DEPTH", "cap_html_depth", "check_json", "json_depth", "load_json",
]

# 政采云 detail answers nest 4-6 levels; 64 leaves ample room and stays far below the C scanner's
# recursion limit (about 1,000 levels).
MAX_JSON_DEPTH = 64
# The largest JSON answer in the corpus is 12 KB (epoint-hebei-list-2017-12-a.json); 2 MB, twice the
# HTML page bound of detect.MAX_INPUT_CHARS, is no announcement.
MAX_JSON_CHARS = 2_000_000
# Real announcement pages nest a dozen elements deep (the deepest of the 151 corpus and fixture pages,
# ccgp-detail-guizhou-zbgg-2025-06-27.html, by this estimate: 12). Lexbor parses
# 1,000 nested <div> in under 5 ms but 40,000 in 2.9 s; 256 also keeps the recursive text walk
# of html.py clear of Python's recursion limit on ordinary (non-table) nesting.
MAX_HTML_DEPTH = 256

# Strings first, so brackets inside them do not count; then the brackets themselves.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
# Only the tag name is read: a trailing ``/`` does not close a non-void HTML element (lexbor ignores it).
_TAG = re.compile(r"<(?:(/?)([A-Za-z][A-Za-z0-9:-]{0,30})[^<>]*>?|!--.*?(?:-->|$))", re.DOTALL)
# Elements that never hold children, and elements that a sibling start tag closes implicitly
# (``<p>a<p>b``, ``<li>``, ``<td>``): neither deepens the tree however often it repeats unclosed.
_FLAT_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "p", "li", "dt", "dd", "td", "th", "tr", "option", "optgroup", "rb",
    "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption", "a",
})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp"})


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """The bracket nesting depth of a JSON text, counted without recursion; stops once past ``limit``."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def check_json(text: str, *, what: str = "JSON document") -> None:
    """Raise ``ParseError`` when a JSON text is over-large or nested over ``MAX_JSON_DEPTH`` levels."""
    if len(text) > MAX_JSON_CHARS:
        raise ParseError(f"{what} of {len(text):,} characters is over the {MAX_JSON_CHARS:,} limit")
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ParseError(f"{what} nested more than {MAX_JSON_DEPTH} levels deep")


def load_json(text: str, *, what: str = "JSON document") -> Any:
    """``json.loads`` that refuses over-large and over-deep documents with ``ParseError``.

    Also turns ``ValueError`` (not JSON at all) into ``ParseError``, so callers catch one error.
    """
    check_json(text, what=what)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError cannot happen below the depth limit
        raise ParseError(f"{what} is not valid JSON: {exc}") from exc


def cap_html_depth(html: str, limit: int = MAX_HTML_DEPTH) -> tuple[str, bool]:
    """The HTML with the tags nested deeper than ``limit`` dropped (their text kept); True when any was.

    The depth is estimated from the tag sequence (start tags minus end tags, leaving out void and
    implicitly closed elements), which over-counts only for pages that leave containers unclosed.
    """
    if html.count("<") <= limit:
        return html, False  # fewer tags than the limit: no need to look closer
    depth = 0
    raw_until: str | None = None
    kept: list[str] = []
    position = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2)
        if name is None:
            continue  # a comment
        name = name.lower()
        if raw_until is not None:
            if closing and name == raw_until:
                raw_until = None
            continue
        if name in _FLAT_TAGS:
            continue
        if closing:
            drop = depth > limit
            depth = max(0, depth - 1)
        elif name in _RAW_TEXT:
            raw_until = name
            continue
        else:
            depth += 1
            drop = depth > limit
        if drop:
            kept.append(html[position : match.start()])
            position = match.end()
    if not kept:
        return html, False
    kept.append(html[position:])
    return "".join(kept), True
