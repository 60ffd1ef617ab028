"""Decide what an input is (HTML page, HTML fragment, 政采云 JSON, plain text) and decode bytes."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tenderbot.errors import ParseError
from tenderbot.extract.bounds import check_json

# Anything larger is cut before parsing: no real announcement is this long, and a runaway page
# (a 5 MB table dump) must not cost seconds.
MAX_INPUT_CHARS = 1_000_000

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_MARK = re.compile(
    r"<\s*(?:!doctype|html|head|body|div|p|table|tr|td|span|br|meta|style|h[1-6])\b", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


class Kind(StrEnum):
    """The shape of an input document."""

    HTML = "html"
    JSON = "json"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded input: its kind, its text, and the parsed JSON when it is JSON."""

    kind: Kind
    text: str
    data: Any = None
    # Set when the input was cut to its first MAX_INPUT_CHARS characters (the caller logs it).
    cut: bool = False


def decode_bytes(raw: bytes) -> str:
    """Decode page bytes: BOM, then strict UTF-8, then ``<meta charset>``, then GB18030.

    Strict UTF-8 goes before the declared charset because GBK text practically never validates as
    UTF-8, while pages that declare gb2312 but were re-saved as UTF-8 are common on mirrors.
    """
    if not raw:
        return ""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(name, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii", errors="ignore").lower()
        # gb2312/gbk pages routinely contain characters outside their declared set; gb18030 is a superset.
        if name in {"gb2312", "gbk", "gb18030", "x-gbk"}:
            name = "gb18030"
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("gb18030", errors="replace")


def _looks_binary(text: str) -> bool:
    """True when the sample is mostly control characters or replacement marks (not a document)."""
    sample = text[:4096]
    if "\x00" in sample:
        return True
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return bad > max(8, len(sample) // 10)


def detect(content: str | bytes) -> Document:
    """Decode and classify ``content``; raise ``ParseError`` for empty or binary input."""
    if isinstance(content, bytes):
        if not content.strip():
            raise ParseError("empty document: no bytes to parse")
        if b"\x00" in content[:4096] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ParseError("binary data, not a document (NUL bytes in the first 4 KB)")
        text = decode_bytes(content)
    else:
        text = content
    stripped = text.strip()
    if not stripped:
        raise ParseError("empty document: nothing but whitespace")
    if _looks_binary(stripped):
        raise ParseError("binary data, not a document (control characters or undecodable bytes)")
    if stripped[0] in "{[" and stripped[-1] in "}]":
        # Looks like JSON: an over-large or over-deep document is refused (json.loads recurses and
        # raised RecursionError at 1,000 levels); one that merely fails to parse is read as text.
        check_json(stripped)
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict | list):
            return Document(Kind.JSON, text, data)
    cut = len(text) > MAX_INPUT_CHARS
    if cut:
        text = text[:MAX_INPUT_CHARS]
    if _HTML_MARK.search(text[:20000]):
        return Document(Kind.HTML, text, cut=cut)
    return Document(Kind.TEXT, text, cut=cut)
