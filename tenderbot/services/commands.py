"""``tenderbot search`` and ``tenderbot export``: the console's search and export on the command line."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import BinaryIO

from tenderbot.errors import QueryError
from tenderbot.notify.render import TYPE_NAMES, budget_of, money_text
from tenderbot.services.export import EXPORTS, to_csv, to_json
from tenderbot.services.search import Hit, SortOrder, SpanError, parse_since, search
from tenderbot.store.notices import NoticeRepo

# The taxonomy's synonyms, so ~terms widen in the CLI exactly as they do in the web console and the bot.
Synonyms = Callable[[str], Iterable[str]]


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int) -> str:
    """Clip and pad to a terminal width."""
    out, used = "", 0
    for char in text:
        w = _width(char)
        if used + w > width:
            out = out[:-1] + "…" if out else ""
            used = _width(out)
            break
        out, used = out + char, used + w
    return out + " " * (width - used)


def table(hits: list[Hit], now: datetime, tz: tzinfo) -> str:
    """A fixed-width table: deadline, days left, budget, type, region, title."""
    lines = [f"{_cell('截止', 16)} {_cell('剩余', 6)} {_cell('预算', 12)} {_cell('类型', 6)} {_cell('地区', 10)} 标题"]
    for hit in hits:
        notice = hit.stored.notice
        deadline = notice.tender_deadline
        left = "已截止" if deadline and deadline <= now else (
            f"{(deadline.astimezone(tz).date() - now.astimezone(tz).date()).days}天" if deadline else ""
        )
        region = " ".join(p for p in ((notice.region.province, notice.region.city) if notice.region else ()) if p)
        lines.append(
            f"{_cell(f'{deadline.astimezone(tz):%Y-%m-%d %H:%M}' if deadline else '—', 16)} {_cell(left, 6)} "
            f"{_cell(money_text(budget_of(notice)), 12)} {_cell(TYPE_NAMES['zh'][notice.notice_type], 6)} "
            f"{_cell(region, 10)} {notice.title or '—'}  {notice.url}"
        )
    lines.append(f"共 {len(hits)} 条")
    return "\n".join(lines) + "\n"


async def search_command(
    notices: NoticeRepo, query: str, *, since: str | None, fmt: str, now: datetime, tz: tzinfo,
    out: BinaryIO | None = None, synonyms: Synonyms | None = None,
) -> int:
    """Print the stored notices a query matches (deadline soonest first); 2 for a malformed query."""
    out = out or sys.stdout.buffer
    try:
        span = parse_since(since) if since else None
        hits = await search(notices, query, now=now, since=span, order=SortOrder.DEADLINE, synonyms=synonyms)
    except (QueryError, SpanError) as exc:
        sys.stderr.write(f"tenderbot: {exc}\n")
        return 2
    if fmt == "json":
        out.write(to_json(hits, tz))
    elif fmt == "csv":
        out.write(to_csv(hits, tz))
    else:
        out.write(table(hits, now, tz).encode("utf-8"))
    out.flush()
    return 0


async def export_command(
    notices: NoticeRepo, query: str, *, fmt: str, output: str | None, now: datetime, tz: tzinfo,
    out: BinaryIO | None = None, synonyms: Synonyms | None = None,
) -> int:
    """Write the search as CSV, Excel or JSON to a file or standard output; 2 for a bad query or a TTY."""
    out = out or sys.stdout.buffer
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        sys.stderr.write("tenderbot: an Excel file is binary: add --output FILE.xlsx or redirect standard output\n")
        return 2
    try:
        hits = await search(notices, query, now=now, order=SortOrder.DEADLINE, synonyms=synonyms)
    except QueryError as exc:
        sys.stderr.write(f"tenderbot: {exc}\n")
        return 2
    data = EXPORTS[fmt][0](hits, tz)
    if output is not None:
        with open(output, "wb") as handle:
            handle.write(data)
        sys.stderr.write(f"{len(hits)} notices written to {output}\n")
    else:
        out.write(data)
        out.flush()
    return 0
