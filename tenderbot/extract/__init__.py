"""Announcement text → fields, source-independent.

``extract_notice`` is the one entry point the sources and the CLI use: it detects the input
(HTML page, HTML fragment, 政采云 detail JSON, plain text), turns it into normalised text plus
page facts, reads labelled fields and lets one field extractor per family (``extract.pick``)
choose each value. ``explain_notice`` also returns why each field got its value.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tenderbot.extract import classify
from tenderbot.extract.detect import Document, Kind, detect
from tenderbot.extract.fields import Fields, extract_fields
from tenderbot.extract.html import MAX_TEXT_CHARS, PageParts, extract_page
from tenderbot.extract.listrecord import list_row_hints
from tenderbot.extract.pick import Context
from tenderbot.extract.pick import dates as pick_dates
from tenderbot.extract.pick import money as pick_money
from tenderbot.extract.pick import parties as pick_parties
from tenderbot.extract.pick import place as pick_place
from tenderbot.extract.pick import title as pick_title
from tenderbot.extract.provenance import Trace
from tenderbot.extract.sanity import sane_notice
from tenderbot.extract.serialize import notice_to_dict
from tenderbot.extract.tables import find_tables
from tenderbot.extract.taxonomy import CategoryDecision, Taxonomy, load_taxonomy
from tenderbot.extract.text import normalize
from tenderbot.extract.zcy import page_of_json, record_hints
from tenderbot.models import Notice, NoticeType

__all__ = ["explain_notice", "extract_notice", "load_taxonomy", "notice_to_dict"]

log = logging.getLogger(__name__)
SCAN_CHARS = 40_000


def _read_source(document: Document) -> tuple[PageParts, dict[str, Any]]:
    """Page facts of the decoded input, whatever its kind, and its JSON record ({} if none)."""
    if document.kind is Kind.HTML:
        return extract_page(document.text), {}
    if document.kind is Kind.JSON:
        return page_of_json(document.data)
    return PageParts(normalize(document.text[:MAX_TEXT_CHARS])), {}


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
    notice, _ = explain_notice(content, url=url, title=title, published_at=published_at, hints=hints,
                               taxonomy=taxonomy)
    return notice


def explain_notice(
    content: str | bytes,
    *,
    url: str = "",
    title: str | None = None,
    published_at: datetime | None = None,
    hints: Mapping[str, str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> tuple[Notice, Trace]:
    """``extract_notice`` plus the provenance (rule, label, position) of each field it filled."""
    document = detect(content)
    page, record = _read_source(document)
    if document.cut or page.cut:
        log.warning("page %s read in part only: %s", url or "<content>", page.cut or "longer than the input bound")
    merged = dict(hints or {})
    for key, value in record_hints(record, classify.type_from_title).items():
        merged.setdefault(key, value)
    for key, value in list_row_hints(page.text).items():
        merged.setdefault(key, value)
    url = url or merged.get("url", "")
    ctx = Context(page=page, record=record, hints=merged, url=url)
    text = page.text
    found_title = pick_title.early_title(ctx, title)
    kind = pick_title.notice_type(ctx, found_title)
    # Labels live in the first pages of an announcement; a runaway page must not cost seconds.
    ctx.scanned = text[:SCAN_CHARS]
    try:
        ctx.tables = find_tables(ctx.scanned)
        ctx.fields = extract_fields(ctx.scanned, ctx.tables, amendment=kind is NoticeType.AMENDMENT,
                                    trace=ctx.trace)
    except Exception:  # one odd page must not stop a poll; the partial notice still carries the text
        log.exception("field extraction failed for %s", url or "<content>")
        ctx.tables, ctx.fields = [], Fields()
    found_title = pick_title.late_title(ctx, found_title)
    mixed = kind is NoticeType.OTHER and ctx.trace.reasons["notice_type"].rule == "multi-project"
    budget = None if mixed else pick_money.budget(ctx)
    max_price = None if mixed else pick_money.max_price(ctx)
    deadline, opening = (None, None) if mixed else pick_dates.deadline_and_opening(ctx, kind)
    published = pick_dates.published(ctx, published_at, found_title)
    buyer = pick_parties.buyer(ctx, found_title)
    agency = pick_parties.agency(ctx)
    award = pick_parties.award(ctx, kind)
    region = pick_place.region(ctx, found_title, buyer, agency)
    method = pick_title.method(ctx, found_title, kind)
    # Loaded outside the try below: a missing taxonomy file is the operator's error, not this page's.
    taxonomy = taxonomy or load_taxonomy()
    try:
        decision = pick_place.categories(ctx, taxonomy, found_title, kind, buyer)
    except Exception:
        log.exception("category classification failed for %s", url or "<content>")
        decision = CategoryDecision()
    notice = Notice(
        url=url,
        title=found_title,
        notice_type=kind,
        procurement_method=method,
        project_code=pick_title.project_code(ctx, found_title),
        original_project_code=ctx.fields.original_project_code,
        buyer=buyer,
        agency=agency,
        budget=budget,
        max_price=max_price,
        lots=() if mixed else ctx.fields.lots,
        tender_deadline=deadline,
        opening_time=opening,
        published_at=published,
        region=region,
        categories=decision.categories,
        category_terms=decision.terms,
        award=award,
        attachments=page.attachments,
        text=text,
    )
    # Issue 15: an amount or date outside its sanity range is blank, whichever rule produced it.
    return sane_notice(notice), ctx.trace
