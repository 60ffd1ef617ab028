"""Announcement text → fields, source-independent.

``extract_notice`` is the one entry point the sources and the CLI use: it detects the input
(HTML page, HTML fragment, 政采云 detail JSON, plain text), turns it into normalised text plus
page facts, reads labelled fields, classifies the notice and returns a ``Notice``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tenderbot.extract import classify, parties
from tenderbot.extract.dates import TZ, find_datetimes, parse_datetime
from tenderbot.extract.detect import Document, Kind, detect
from tenderbot.extract.fields import Fields, extract_fields
from tenderbot.extract.html import MAX_TEXT_CHARS, PageParts, extract_page
from tenderbot.extract.money import parse_money
from tenderbot.extract.region import detect_region
from tenderbot.extract.sanity import sane_notice
from tenderbot.extract.serialize import notice_to_dict
from tenderbot.extract.tables import find_tables
from tenderbot.extract.taxonomy import CategoryDecision, Taxonomy, load_taxonomy
from tenderbot.extract.text import normalize
from tenderbot.extract.titles import title_from_about, title_from_overview, title_from_text
from tenderbot.models import Award, Money, Notice, NoticeType

__all__ = ["extract_notice", "load_taxonomy", "notice_to_dict"]

log = logging.getLogger(__name__)
SCAN_CHARS = 40_000
_SECTION_TWO = re.compile(r"\n(?:二、|第二部分)")
_MAIN_ITEMS = re.compile(r"主要标的信息")


@dataclass(frozen=True, slots=True)
class _Source:
    """Everything the input itself says before label extraction."""

    page: PageParts
    json_facts: dict[str, Any] = field(default_factory=dict)


def _detail_record(data: Any) -> dict[str, Any]:
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


def _read_source(document: Document) -> _Source:
    """Page facts of the decoded input, whatever its kind."""
    if document.kind is Kind.HTML:
        return _Source(extract_page(document.text))
    if document.kind is Kind.JSON:
        record = _detail_record(document.data)
        content = record.get("content")
        if isinstance(content, str) and content.strip():
            page = extract_page(content) if "<" in content else PageParts(normalize(content[:MAX_TEXT_CHARS]))
        else:
            pieces: list[str] = []
            _strings(record or document.data, pieces)
            page = PageParts(normalize("\n".join(pieces)[:MAX_TEXT_CHARS]))
        return _Source(page, record)
    return _Source(PageParts(normalize(document.text[:MAX_TEXT_CHARS])))


def _json_time(value: Any) -> datetime | None:
    """A 政采云 time: epoch milliseconds or a date string."""
    if isinstance(value, int | float) and value > 10**11:
        try:
            return datetime.fromtimestamp(value / 1000, tz=TZ)
        except (OverflowError, OSError, ValueError):  # 1e20 ms: beyond year 9999
            return None
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def _code_money(values: tuple[str, ...] | None) -> Money | None:
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


def _hint_money(value: str | None) -> Money | None:
    """A hint amount in yuan ("1200000")."""
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        parsed = parse_money(value)
        return Money(parsed) if parsed else None
    return Money(amount) if amount > 0 else None


def _first(codes: Mapping[str, tuple[str, ...]], name: str) -> str | None:
    """The first value of a 政采云 code cell."""
    values = codes.get(name)
    return values[0] if values else None


def _subject(text: str, found: Fields, item_text: str | None) -> str:
    """What is being bought: project name, 品目, lot names, section 一 and 主要标的信息."""
    cut = _SECTION_TWO.search(text)
    head = text[: min(cut.start() if cut else 4000, 4000)]
    parts = [found.project_name or "", item_text or "", *(lot.name or "" for lot in found.lots), head]
    items = _MAIN_ITEMS.search(text)
    if items is not None:
        parts.append(text[items.end() : items.end() + 800])
    return "\n".join(parts)


# Field names of the JSON shapes seen in the corpus (政采云 detail, crawler exports of ccgp pages).
_RECORD_HINTS = {
    "notice_type_hint": ("announcementType", "pathName", "noticeType", "typeName"),
    "province": ("administrativeRegion", "districtName", "province", "AREANAME"),
    "buyer": ("procurementCompany", "purchaseName", "purchaser", "buyerName"),
    "agency": ("agencyName", "agency"),
    "url": ("website", "url", "linkurl"),
    "project_name": ("projectName", "procurementName"),
    "district_code": ("districtCode",),
}


def _record_hints(record: Mapping[str, Any]) -> dict[str, str]:
    """Hints from the fields of a JSON record (only string values)."""
    found: dict[str, str] = {}
    for hint, keys in _RECORD_HINTS.items():
        for key in keys:
            value = _str(record.get(key))
            if value:
                found[hint] = normalize(value)
                break
    if "title" not in record and "project_name" in found:
        suffix = found.get("notice_type_hint", "")
        found["title"] = found["project_name"] + (suffix if classify.type_from_title(suffix) else "")
    return found



def extract_notice(
    content: str | bytes,
    *,
    url: str = "",
    title: str | None = None,
    published_at: datetime | None = None,
    hints: Mapping[str, str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> Notice:
    """Extract a notice from an HTML page or fragment, 政采云 detail JSON or plain text.

    Raises ``ParseError`` only for input that is no document (empty, binary); anything else gives
    a Notice with whatever could be read.
    """
    hints = dict(hints or {})
    document = detect(content)
    source = _read_source(document)
    page, record = source.page, source.json_facts
    if document.cut or page.cut:
        log.warning("page %s read in part only: %s", url or "<content>", page.cut or "longer than the input bound")
    for key, value in _record_hints(record).items():
        hints.setdefault(key, value)
    url = url or hints.get("url", "")
    text = page.text
    codes = page.codes
    record_title = _str(record.get("title"))
    found_title = (
        (normalize(title) if title else None)
        or page.title
        or (normalize(record_title) if record_title else None)
        or hints.get("title")
        or title_from_text(text)
        or title_from_about(text)
    )
    kind = classify.notice_type(found_title, text, url, hints)
    # Labels live in the first pages of an announcement; a runaway page must not cost seconds.
    scanned = text[:SCAN_CHARS]
    try:
        tables = find_tables(scanned)
        found = extract_fields(scanned, tables, amendment=kind is NoticeType.AMENDMENT)
    except Exception:  # one odd page must not stop a poll; the partial notice still carries the text
        log.exception("field extraction failed for %s", url or "<content>")
        tables, found = [], Fields()
    found_title = found_title or found.project_name or _first(codes, "code-projectName") or title_from_overview(text)
    summary = page.summary
    budget = (
        _code_money(codes.get("code-budgetPrice"))
        or found.budget
        or parties.loose_money(summary.get("预算金额"))
        or _hint_money(hints.get("budget_yuan"))
    )
    max_price = _code_money(codes.get("code-priceCeiling")) or found.max_price
    deadline = found.tender_deadline if kind is NoticeType.AMENDMENT else None
    deadline = (
        deadline
        or _parse(_first(codes, "code-submitEndDate"))
        or found.tender_deadline
        or _parse(hints.get("tender_deadline"))
    )
    opening = _parse(_first(codes, "code-bidOpeningTime")) or found.opening_time
    if kind is NoticeType.PREQUALIFICATION:
        # 资格预审公告 dates are for 申请文件, not bids (research/domain.md §1.3).
        deadline = opening = None
    elif kind is NoticeType.TENDER and (deadline is None or opening is None) and "开标" in scanned:
        # In 招标 bids close when the opening starts: a page giving only one of the two gives both.
        deadline, opening = deadline or opening, opening or deadline
    published = (
        published_at
        or _parse(page.published)
        or _parse(summary.get("公告时间"))
        or _json_time(record.get("publishDate"))
        or found.published_at
        or _parse(hints.get("published_at"))
        or _time_after_title(text, found_title)
    )
    buyer_hint = hints.get("buyer") or parties.organisation_prefix(found_title or "") or parties.signature(text)
    buyer = parties.buyer(text, summary, buyer_hint)
    agency = parties.agency(text, summary, hints.get("agency"))
    award: Award | None = None
    if kind in (NoticeType.AWARD, NoticeType.CONTRACT):
        award = parties.award(text, tables, codes, summary)
    region = detect_region(
        region_text=summary.get("行政区域") or found.region_text,
        hints=hints,
        district_code=_str(record.get("districtCode")),
        url=url,
        buyer_name=buyer.name if buyer else None,
        buyer_address=buyer.address if buyer else None,
        title=found_title,
        # Last resorts: the agency's address, then the first place the text names.
        extra=((agency.address or "",) if agency else ()) + (text[:3000],),
    )
    method = classify.procurement_method(found.method_text or hints.get("procurement_method"), found_title, text, kind)
    # Loaded outside the try below: a missing taxonomy file is the operator's error, not this page's.
    taxonomy = taxonomy or load_taxonomy()
    try:
        # An "other" notice (news, supplier notices) is categorised by its title alone: its body
        # mentions devices without buying them.
        subject = "" if kind is NoticeType.OTHER else _subject(text, found, summary.get("品目") or found.item_text)
        decision = classify.categories(taxonomy, found_title, subject, buyer.name if buyer else None)
    except Exception:
        log.exception("category classification failed for %s", url or "<content>")
        decision = CategoryDecision()
    return sane_notice(Notice(
        url=url,
        title=found_title,
        notice_type=kind,
        procurement_method=method,
        project_code=_first(codes, "code-projectCode")
        or found.project_code
        or _str(record.get("projectCode"))
        or hints.get("project_code")
        or found.original_project_code,
        original_project_code=found.original_project_code,
        buyer=buyer,
        agency=agency,
        budget=budget,
        max_price=max_price,
        lots=found.lots,
        tender_deadline=deadline,
        opening_time=opening,
        published_at=published,
        region=region,
        categories=decision.categories,
        category_terms=decision.terms,
        award=award,
        attachments=page.attachments,
        text=text,
    ))


def _time_after_title(text: str, title: str | None) -> datetime | None:
    """The date-time printed right after the title on copied pages (``…磋商公告2023年07月04日 12:08 来源``)."""
    if not title:
        return None
    position = text.find(title, 0, 2000)
    if position < 0:
        return None
    end = position + len(title)
    found = [item for item in find_datetimes(text[end : end + 40]) if item[3] and item[1] <= 3]
    return found[0][0] if found else None


def _str(value: Any) -> str | None:
    """A non-empty stripped string, else None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse(value: str | None) -> datetime | None:
    """A date-time from a raw value, or None."""
    return parse_datetime(value) if value else None

