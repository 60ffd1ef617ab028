"""Bid deadline, opening time and publication time, with the type rules of the 2020 format."""

from __future__ import annotations

from datetime import datetime

from tenderbot.extract.dates import find_datetimes, parse_datetime
from tenderbot.extract.pick import Context
from tenderbot.extract.zcy import first_code, json_time
from tenderbot.models import NoticeType


def _parse(value: str | None) -> datetime | None:
    """A date-time from a raw value, or None."""
    return parse_datetime(value) if value else None


def deadline_and_opening(ctx: Context, kind: NoticeType) -> tuple[datetime | None, datetime | None]:
    """(bid deadline, opening time); an amendment's new deadline wins over the page's cells."""
    trace, found = ctx.trace, ctx.fields
    amended = (("text", lambda: found.tender_deadline),) if kind is NoticeType.AMENDMENT else ()
    deadline = trace.first("tender_deadline", (
        *amended,
        ("zcy:code-submitEndDate", lambda: _parse(first_code(ctx.codes, "code-submitEndDate"))),
        ("text", lambda: found.tender_deadline),
        ("hint:tender_deadline", lambda: _parse(ctx.hints.get("tender_deadline"))),
    ))
    opening = trace.first("opening_time", (
        ("zcy:code-bidOpeningTime", lambda: _parse(first_code(ctx.codes, "code-bidOpeningTime"))),
        ("text", lambda: found.opening_time),
    ))
    if kind is NoticeType.PREQUALIFICATION:
        # 资格预审公告 dates are for 申请文件, not bids (research/domain.md §1.3).
        trace.note("tender_deadline", "prequalification:none")
        return None, None
    if kind is NoticeType.TENDER and (deadline is None or opening is None) and "开标" in ctx.scanned:
        # In 招标 bids close when the opening starts: a page giving only one of the two gives both.
        if deadline is None and opening is not None:
            trace.note("tender_deadline", "tender:opening-is-deadline")
        if opening is None and deadline is not None:
            trace.note("opening_time", "tender:deadline-is-opening")
        deadline, opening = deadline or opening, opening or deadline
    return deadline, opening


def published(ctx: Context, published_at: datetime | None, title: str | None) -> datetime | None:
    """When the notice was published."""
    return ctx.trace.first("published_at", (
        ("caller", lambda: published_at),
        ("page:meta", lambda: _parse(ctx.page.published)),
        ("summary:公告时间", lambda: _parse(ctx.summary.get("公告时间"))),
        ("zcy:publishDate", lambda: json_time(ctx.record.get("publishDate"))),
        ("text", lambda: ctx.fields.published_at),
        ("hint:published_at", lambda: _parse(ctx.hints.get("published_at"))),
        ("text:after-title", lambda: _time_after_title(ctx.text, title)),
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
