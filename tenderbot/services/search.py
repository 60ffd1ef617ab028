"""Search stored notices with the subscription query language (the same parser and matcher as /sub)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from tenderbot.matching.engine import Matcher, notice_budget
from tenderbot.matching.query import Query, parse_query
from tenderbot.store.notices import NoticeRepo, RawNotice, StoredNotice

# At most this many results (a page shows 25; an export of more is not a search any more).
SEARCH_LIMIT = 20_000
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
_SINCE = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$", re.IGNORECASE)


class SpanError(ValueError):
    """A ``--since`` span that is not a number and h, d or w."""


class SortOrder(StrEnum):
    """How search results are ordered."""

    DEADLINE = "deadline"  # open tenders by the soonest deadline first, closed and undated ones after
    NEWEST = "newest"
    BUDGET = "budget"  # largest first, unknown budgets last


@dataclass(frozen=True, slots=True)
class Hit:
    """One stored notice that matched, with the terms that made it match."""

    stored: StoredNotice
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results."""

    hits: tuple[Hit, ...]
    total: int
    page: int
    pages: int


def parse_since(text: str) -> timedelta:
    """``7d``, ``24h`` or ``2w`` as a time span; SpanError for anything else."""
    found = _SINCE.match(text)
    if found is None:
        raise SpanError(f"--since {text!r}: write a number and h, d or w, e.g. 7d")
    amount, unit = int(found.group(1)), found.group(2).lower()
    return {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]


def parse_search(text: str) -> Query | None:
    """The parsed query, or None for an empty search (everything); QueryError when malformed."""
    return parse_query(text) if text.strip() else None


def filter_notices(
    query: Query | None, notices: Iterable[StoredNotice], synonyms: Callable[[str], Iterable[str]] | None = None
) -> list[Hit]:
    """The notices a query matches, by the matcher that serves subscriptions (every notice type counts)."""
    if query is None:
        return [Hit(stored, ()) for stored in notices]
    matcher = Matcher(synonyms)
    matcher.add(0, query)
    hits: list[Hit] = []
    for stored in notices:
        results = matcher.match(stored.notice)
        if results:
            hits.append(Hit(stored, results[0].terms))
    return hits


def _published(stored: StoredNotice) -> datetime:
    return stored.notice.published_at or stored.first_seen_at or _LONG_AGO


def sort_hits(hits: Sequence[Hit], order: SortOrder, now: datetime) -> list[Hit]:
    """Order hits; ties go to the newest."""
    newest = sorted(hits, key=lambda h: (_published(h.stored), h.stored.id), reverse=True)
    if order is SortOrder.NEWEST:
        return newest
    if order is SortOrder.BUDGET:
        def by_budget(hit: Hit) -> tuple[int, Decimal]:
            amount = notice_budget(hit.stored.notice)
            return (0, -amount) if amount is not None else (1, Decimal(0))

        return sorted(newest, key=by_budget)

    def by_deadline(hit: Hit) -> tuple[int, datetime]:
        deadline = hit.stored.notice.tender_deadline
        if deadline is None:
            return (1, _FAR_FUTURE)
        return (0, deadline) if deadline > now else (2, _FAR_FUTURE)

    return sorted(newest, key=by_deadline)


def _match_batch(matcher: Matcher | None, rows: Sequence[RawNotice]) -> list[Hit]:
    """Decode and match one batch (CPU work: runs in a worker thread)."""
    hits: list[Hit] = []
    for raw in rows:
        stored = raw.decode()
        if matcher is None:
            hits.append(Hit(stored, ()))
            continue
        results = matcher.match(stored.notice)
        if results:
            hits.append(Hit(stored, results[0].terms))
    return hits


async def search(
    notices: NoticeRepo,
    text: str,
    *,
    now: datetime,
    since: timedelta | None = None,
    order: SortOrder = SortOrder.DEADLINE,
    synonyms: Callable[[str], Iterable[str]] | None = None,
) -> list[Hit]:
    """Every stored notice (first seen within ``since``, if given) the query matches, sorted.

    Notices are read in batches and decoded and matched in a worker thread, so a long search does not stall
    the service's event loop (the bot, the sender and the console share it).
    """
    query = parse_search(text)
    matcher: Matcher | None = None
    if query is not None:
        matcher = Matcher(synonyms)
        matcher.add(0, query)
    start = now - since if since is not None else _LONG_AGO
    hits: list[Hit] = []
    async for rows in notices.raw_since(start):
        hits += await asyncio.to_thread(_match_batch, matcher, rows)
        if len(hits) >= SEARCH_LIMIT:
            break
    return sort_hits(hits[:SEARCH_LIMIT], order, now)


def paginate(hits: Sequence[Hit], page: int, per_page: int) -> Page:
    """One page of hits (pages count from 1; a page past the end shows the last one)."""
    pages = max(1, -(-len(hits) // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return Page(tuple(hits[start : start + per_page]), len(hits), page, pages)
