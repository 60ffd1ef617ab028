"""政采云 JSON knowledge: the detail record, its ``code-*`` cells and its field-name hints.

政采云 (zfcg.czt.zj.gov.cn, Guangxi, …) answers ``portal/detail`` with ``{"result": {"data": {…}}}``
whose ``content`` is the notice HTML; amounts sit in ``code-budgetPrice``-style spans (yuan, one
per 标项) and dates in ``code-submitEndDate`` (see tests/fixtures/corpus/zcy-*). Crawler exports of
ccgp pages use similar field names, listed in ``RECORD_HINTS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tenderbot.extract.dates import TZ, parse_datetime
from tenderbot.extract.html import MAX_TEXT_CHARS, PageParts, extract_page
from tenderbot.extract.money import parse_money
from tenderbot.extract.text import normalize
from tenderbot.models import Money

# Field names of the JSON shapes seen in the corpus (政采云 detail, crawler exports of ccgp pages).
RECORD_HINTS = {
    "notice_type_hint": ("announcementType", "pathName", "noticeType", "typeName"),
    "province": ("administrativeRegion", "districtName", "province", "AREANAME"),
    "buyer": ("procurementCompany", "purchaseName", "purchaser", "buyerName"),
    "agency": ("agencyName", "agency"),
    "url": ("website", "url", "linkurl"),
    "project_name": ("projectName", "procurementName"),
    "district_code": ("districtCode",),
}


def detail_record(data: Any) -> dict[str, Any]:
    """The announcement record inside a 政采云-style JSON answer (``result.data``), else {}."""
    node = data
    for _ in range(4):
        if isinstance(node, dict) and ("content" in node or "title" in node):
            return node
        if isinstance(node, dict):
            inner = node.get("result", node.get("data"))
            if inner is None:
                return {}
            node = inner
        else:
            return {}
    return {}


def _strings(data: Any, out: list[str], budget: int = MAX_TEXT_CHARS) -> int:
    """Collect the string values of a JSON document (for list answers that hold no detail record).

    Returns the budget left, so the walk stops early without re-summing what it collected.
    """
    if budget <= 0:
        return budget
    if isinstance(data, str):
        out.append(data)
        return budget - len(data)
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for value in values:
        budget = _strings(value, out, budget)
        if budget <= 0:
            break
    return budget


def page_of_json(data: Any) -> tuple[PageParts, dict[str, Any]]:
    """The page facts of a decoded JSON answer and its detail record ({} for other shapes)."""
    record = detail_record(data)
    content = record.get("content")
    if isinstance(content, str) and content.strip():
        page = extract_page(content) if "<" in content else PageParts(normalize(content[:MAX_TEXT_CHARS]))
    else:
        pieces: list[str] = []
        _strings(record or data, pieces)
        page = PageParts(normalize("\n".join(pieces)[:MAX_TEXT_CHARS]))
    return page, record


def json_time(value: Any) -> datetime | None:
    """A 政采云 time: epoch milliseconds or a date string."""
    if isinstance(value, int | float) and value > 10**11:
        try:
            return datetime.fromtimestamp(value / 1000, tz=TZ)
        except (OverflowError, OSError, ValueError):  # 1e20 ms: beyond year 9999 (issue 15)
            return None
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def code_money(values: tuple[str, ...] | None) -> Money | None:
    """Sum of 政采云 ``code-budgetPrice``-style cells (amounts in 元, one per 标项)."""
    if not values:
        return None
    total = Decimal(0)
    for value in values:
        amount = parse_money(value, unit_hint="元")
        if amount is None:
            return None
        total += amount
    return Money(total) if total > 0 else None


def hint_money(value: str | None) -> Money | None:
    """A hint amount in yuan ("1200000")."""
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        parsed = parse_money(value)
        return Money(parsed) if parsed else None
    # Decimal() also reads "NaN"/"Infinity"; NaN > 0 would raise InvalidOperation.
    return Money(amount) if amount.is_finite() and amount > 0 else None


def first_code(codes: Mapping[str, tuple[str, ...]], name: str) -> str | None:
    """The first value of a 政采云 code cell."""
    values = codes.get(name)
    return values[0] if values else None


def text_value(value: Any) -> str | None:
    """A non-empty stripped string, else None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def record_hints(record: Mapping[str, Any], is_type_word: Any) -> dict[str, str]:
    """Hints from the fields of a JSON record (only string values).

    ``is_type_word(suffix)`` says whether the record's type label names a notice type, so a record
    without a title gets ``projectName`` + that label as its title.
    """
    found: dict[str, str] = {}
    for hint, keys in RECORD_HINTS.items():
        for key in keys:
            value = text_value(record.get(key))
            if value:
                found[hint] = normalize(value)
                break
    if "title" not in record and "project_name" in found:
        suffix = found.get("notice_type_hint", "")
        found["title"] = found["project_name"] + (suffix if is_type_word(suffix) else "")
    return found
