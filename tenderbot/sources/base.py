"""The source contract and the mechanics every portal shares: paging, stop at known items, backoff.

A portal family subclasses ``ListingSource`` and supplies two things: how to read one listing page
(``fetch_page``) and how to turn one listing item into a ``Notice`` (``fetch_notice``). The base class
owns incremental polling (cursor + bounded seen-set), first-run backfill bounds, conditional
requests, error accounting and backoff, so every family behaves the same way.
"""

from __future__ import annotations

import dataclasses
import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import urljoin

from tenderbot.errors import BlockedError, ConfigError, NotModified, TenderbotError
from tenderbot.extract import extract_notice
from tenderbot.extract.taxonomy import Taxonomy
from tenderbot.extract.worker import ExtractionPool
from tenderbot.models import Notice, SourceState
from tenderbot.sources.common import base_url_option
from tenderbot.sources.fetch import Fetcher

log = logging.getLogger(__name__)

SEEN_LIMIT = 2000
# How many recent listing sizes a source remembers, and how many full ones make an empty one suspect;
# the last of them must have held at least SUSPECT_MIN_LAST records, so a sparse listing whose last
# items age out of the backfill window one by one (3, 2, 1, 0) is not a false alarm.
LISTED_HISTORY = 5
SUSPECT_AFTER = 3
SUSPECT_MIN_LAST = 3
_MAX_BACKOFF = timedelta(hours=6)
_MAX_BLOCKED_BACKOFF = timedelta(hours=24)
_BLOCKED_FLOOR = timedelta(minutes=30)


JITTER_SHARE = 0.1


@dataclass(frozen=True)
class SourceConfig:
    """One configured source (an entry of config/sources.yaml)."""

    name: str
    kind: str
    enabled: bool = True
    interval_seconds: int = 900
    # None: a tenth of the interval. The scheduler delays each poll by up to this much, so that sources
    # do not fire in step; a jitter as large as the interval added half an interval to every alert.
    jitter_seconds: int | None = None
    backfill_days: int = 3
    max_pages: int = 5
    max_items: int = 200
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def jitter(self) -> int:
        """The scheduler's jitter in seconds: as configured, else a tenth of the interval."""
        if self.jitter_seconds is not None:
            return self.jitter_seconds
        return round(self.interval_seconds * JITTER_SHARE)


@dataclass(frozen=True)
class PollResult:
    """What one poll produced: new notices, the state to save, per-item errors, overall health."""

    notices: tuple[Notice, ...]
    state: SourceState
    errors: tuple[str, ...]
    ok: bool
    # Not polled at all: the source is backing off until ``state.backoff_until``.
    skipped: bool = False
    # The listing parsed to nothing where the last polls had items: why that looks wrong.
    suspect: str | None = None


@dataclass(frozen=True)
class CheckReport:
    """Human-readable outcome of a live diagnostic of one source."""

    lines: tuple[str, ...]
    ok: bool


@dataclass(frozen=True)
class ListItem:
    """One entry of a listing page: enough to fetch the announcement and to know if it is new."""

    source_id: str
    url: str
    title: str | None = None
    published_at: datetime | None = None
    # A string that sorts like publication order (zero-padded id, ISO time); None when unordered.
    key: str | None = None
    hints: Mapping[str, str] = field(default_factory=dict)
    # Whatever the family needs to fetch the body (an API id, the list record itself).
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListPage:
    """One listing page as a family read it."""

    items: tuple[ListItem, ...]
    has_more: bool = True
    etag: str | None = None
    last_modified: str | None = None
    # Where the next page is, for listings that link pages (a "next" href) instead of numbering them.
    next_token: str | None = None
    # Records the page held before the family's own filters (None: as many as ``items``).
    listed: int | None = None


@dataclass(frozen=True)
class PageRequest:
    """Which listing page to read, and the context a family may need to build the request."""

    stream: str
    page_no: int
    now: datetime
    since: datetime
    token: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class _Listing:
    """What paging produced: new items, the first page's validators, and streams that failed."""

    items: list[ListItem] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    errors: list[Exception] = field(default_factory=list)
    seen: frozenset[str] = frozenset()
    # Records on the first page of every stream that answered.
    listed: int = 0


class Source(ABC):
    """A portal adapter: polls incrementally and never raises for portal problems."""

    kind: ClassVar[str]
    # The portal's own scheme + host, for kinds that have one; None: ``options.base_url`` is required.
    default_base_url: ClassVar[str | None] = None

    def __init__(self, config: SourceConfig, taxonomy: Taxonomy | None = None) -> None:
        self.config = config
        self.taxonomy = taxonomy
        # Set by the app: extraction then runs in worker processes, off the event loop (issue 16).
        self.extraction: ExtractionPool | None = None

    async def extract(
        self,
        content: str | bytes,
        *,
        url: str,
        title: str | None = None,
        published_at: datetime | None = None,
        hints: Mapping[str, str] | None = None,
    ) -> Notice:
        """Extract an announcement with the operator's taxonomy, in the extraction pool when there is one."""
        if self.extraction is not None:
            return await self.extraction.extract(
                content, url=url, title=title, published_at=published_at, hints=hints, taxonomy=self.taxonomy
            )
        return extract_notice(
            content, url=url, title=title, published_at=published_at, hints=hints, taxonomy=self.taxonomy
        )

    @property
    def name(self) -> str:
        """The configured, unique name of this source."""
        return self.config.name

    @property
    def base_url(self) -> str:
        """Scheme + host of the site, no trailing slash: ``options.base_url``, else the kind's default."""
        base = base_url_option(self.config.options, self.default_base_url)
        if base is None:
            raise ConfigError("option 'base_url' must be a non-empty string")
        return base

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[str]:
        """Problems with this kind's options, as sentences for the operator (empty when fine)."""
        return []

    @abstractmethod
    async def poll(self, fetcher: Fetcher, state: SourceState, *, now: datetime, force: bool = False) -> PollResult:
        """Fetch what is new since ``state``; return notices, the next state and errors.

        During backoff nothing is fetched and the result says ``skipped``, unless ``force``.
        """

    @abstractmethod
    async def check(self, fetcher: Fetcher, *, now: datetime) -> CheckReport:
        """Live diagnostic: read one listing page and one announcement, say what was found."""


class ListingSource(Source):
    """A source that pages through a newest-first listing and fetches each new announcement."""

    # Whether the listing honours ETag / Last-Modified on its first page (feeds, static lists).
    conditional: ClassVar[bool] = False

    def streams(self) -> tuple[str, ...]:
        """Independent listings of this source (keywords, channels, categories), each paged on its own."""
        return ("",)

    @abstractmethod
    async def fetch_page(self, fetcher: Fetcher, request: PageRequest) -> ListPage:
        """Read one listing page (``request.page_no`` is 0-based), newest first."""

    @abstractmethod
    async def fetch_notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """Fetch and extract one announcement (``source``/``source_id``/``url`` are filled by the base)."""

    async def poll(self, fetcher: Fetcher, state: SourceState, *, now: datetime, force: bool = False) -> PollResult:
        """See ``Source.poll``: collect new items page by page, then fetch each announcement."""
        fetcher = fetcher.for_options(self.config.options)
        if not force and state.backoff_until is not None and now < state.backoff_until:
            return PollResult((), state, (), True, skipped=True)
        since = self._since(state, now)
        try:
            listing = await self._collect(fetcher, state, now=now, since=since)
        except NotModified:
            return PollResult((), _succeeded(state, now, found=False), (), True)
        except Exception as exc:  # a portal problem of any shape must not stop the scheduler
            if not _is_expected(exc):
                log.exception("source %s: unexpected error while listing", self.name)
            message = f"listing: {type(exc).__name__}: {exc}"
            # No log line here: the pipeline reports a failed listing once, with the next retry time.
            return PollResult((), self._failed(state, now, message, exc), (message,), False)
        listing_errors = [f"listing: {type(exc).__name__}: {exc}" for exc in listing.errors]
        for message in listing_errors:
            log.warning("source %s: %s", self.name, message)
        notices, errors, blocked = await self._fetch_all(fetcher, listing.items)
        errors = listing_errors + errors
        state = self._advance(state, listing.items, notices, listing.etag, listing.last_modified)
        failure = blocked or (listing.errors[0] if listing.errors else None)
        if failure is not None:
            message = errors[-1] if blocked is not None else listing_errors[0]
            if notices:
                state = dataclasses.replace(state, last_notice_at=now)
            return PollResult(tuple(notices), self._failed(state, now, message, failure), tuple(errors), False)
        succeeded = _succeeded(state, now, found=bool(notices))
        suspect = _suspect(state.listed, listing.listed)
        if suspect is not None:
            # Not a success (the pipeline logs it): last_success stays, so silence is still noticed; no
            # backoff; the empty count stays out of the history, so the next empty listing is suspect too.
            succeeded = dataclasses.replace(succeeded, last_success=state.last_success,
                                            last_error=f"suspect: {suspect}")
            return PollResult(tuple(notices), succeeded, tuple(errors), False, suspect=suspect)
        listed = (*state.listed, listing.listed)[-LISTED_HISTORY:]
        return PollResult(tuple(notices), dataclasses.replace(succeeded, listed=listed), tuple(errors), True)

    async def check(self, fetcher: Fetcher, *, now: datetime) -> CheckReport:
        """Read the first listing page and the newest announcement; report what came back."""
        fetcher = fetcher.for_options(self.config.options)
        lines = [f"{self.name} ({self.kind})"]
        since = now - timedelta(days=self.config.backfill_days)
        try:
            page = await self.fetch_page(fetcher, PageRequest(self.streams()[0], 0, now, since))
        except Exception as exc:
            lines.append(f"listing FAILED: {type(exc).__name__}: {exc}")
            return CheckReport(tuple(lines), False)
        lines.append(f"listing: {len(page.items)} items on the first page")
        if not page.items:
            return CheckReport(tuple(lines), True)
        item = page.items[0]
        lines.append(f"newest: {item.source_id} {item.title or ''} {item.published_at or ''}".rstrip())
        try:
            notice = await self._notice(fetcher, item)
        except Exception as exc:
            lines.append(f"detail FAILED: {item.url}: {type(exc).__name__}: {exc}")
            return CheckReport(tuple(lines), False)
        budget = notice.budget.amount if notice.budget else None
        lines.append(
            f"detail: {notice.url} type={notice.notice_type.value} budget={budget} text={len(notice.text)} chars"
        )
        return CheckReport(tuple(lines), True)

    def _since(self, state: SourceState, now: datetime) -> datetime:
        """The oldest publication time worth listing: the backfill window.

        Not the last success: portals publish late (an item dated yesterday appears today), and the
        seen-set and cursor already stop paging at known items.
        """
        return now - timedelta(days=self.config.backfill_days)

    async def _collect(self, fetcher: Fetcher, state: SourceState, *, now: datetime, since: datetime) -> _Listing:
        """Page through every stream until known items, the backfill floor or the configured bounds.

        An item is new when its id is not in the seen-set. Paging of a stream stops after a page
        holding a known item (seen, or sorting below the cursor) or one older than the floor; new
        items on that last page are still taken, since portals index late and pin items out of order.
        A stream that fails is recorded and the others still run (none after a block page); the
        poll fails outright only when nothing could be listed.
        """
        listing = _Listing(etag=state.etag, last_modified=state.last_modified, seen=frozenset(state.seen))
        taken = set(listing.seen)
        for stream_no, stream in enumerate(self.streams()):
            try:
                full = await self._collect_stream(fetcher, state, listing, taken, stream_no, stream, now, since)
            except NotModified:
                if stream_no == 0:
                    raise
                continue
            except BlockedError as exc:
                listing.errors.append(exc)
                break
            except Exception as exc:  # this stream is broken; the others may not be
                listing.errors.append(exc)
                continue
            if full:
                break
        if listing.errors and not listing.items:
            raise listing.errors[0]
        return listing

    async def _collect_stream(
        self,
        fetcher: Fetcher,
        state: SourceState,
        listing: _Listing,
        taken: set[str],
        stream_no: int,
        stream: str,
        now: datetime,
        since: datetime,
    ) -> bool:
        """Page through one stream into ``listing``; True when ``max_items`` is reached."""
        token: str | None = None
        for page_no in range(self.config.max_pages):
            conditional = self.conditional and stream_no == 0 and page_no == 0
            request = PageRequest(
                stream,
                page_no,
                now,
                since,
                token,
                state.etag if conditional else None,
                state.last_modified if conditional else None,
            )
            page = await self.fetch_page(fetcher, request)
            if page_no == 0:
                listing.listed += len(page.items) if page.listed is None else page.listed
            if stream_no == 0 and page_no == 0:
                listing.etag = page.etag or listing.etag
                listing.last_modified = page.last_modified or listing.last_modified
            reached_known = False
            for item in page.items:
                if item.published_at is not None and item.published_at < since:
                    reached_known = True
                    continue
                if _older_than_cursor(item, state.cursor) or item.source_id in listing.seen:
                    reached_known = True
                if item.source_id in taken:
                    continue
                taken.add(item.source_id)
                listing.items.append(item)
                if len(listing.items) >= self.config.max_items:
                    return True
            token = page.next_token
            if reached_known or not page.has_more or not page.items:
                break
        return False

    async def _fetch_all(
        self, fetcher: Fetcher, items: list[ListItem]
    ) -> tuple[list[Notice], list[str], BlockedError | None]:
        """Fetch announcements oldest first; a failure is recorded and the rest continue (not after a block).

        A failed item stays out of the seen-set, so it is fetched again while it is still listed.
        """
        notices: list[Notice] = []
        errors: list[str] = []
        for item in reversed(items):
            try:
                notices.append(await self._notice(fetcher, item))
            except BlockedError as exc:
                errors.append(f"{item.url}: blocked: {exc}")
                log.warning("source %s: blocked on %s, stopping this poll: %s", self.name, item.url, exc)
                return notices, errors, exc
            except Exception as exc:  # one bad announcement must not lose the others
                if not _is_expected(exc):
                    log.exception("source %s: unexpected error on %s", self.name, item.url)
                errors.append(f"{item.url}: {type(exc).__name__}: {exc}")
                log.warning("source %s: skipped %s: %s", self.name, item.url, exc)
        return notices, errors, None

    async def _notice(self, fetcher: Fetcher, item: ListItem) -> Notice:
        """Fetch one announcement and stamp it with this source's identity."""
        notice = await self.fetch_notice(fetcher, item)
        url = notice.url or item.url
        return dataclasses.replace(
            notice,
            source=self.name,
            source_id=item.source_id,
            url=url,
            # Extraction sees a page without knowing where it came from: resolve relative links here.
            attachments=tuple(dict.fromkeys(urljoin(url, a) for a in notice.attachments)),
            title=notice.title or item.title,
            published_at=notice.published_at or item.published_at,
        )

    def _advance(
        self,
        state: SourceState,
        items: list[ListItem],
        notices: list[Notice],
        etag: str | None,
        last_modified: str | None,
    ) -> SourceState:
        """The next state: the seen-set grows by what was fetched, the cursor by its newest key."""
        done = {n.source_id for n in notices}
        seen = [*state.seen, *(i.source_id for i in reversed(items) if i.source_id in done)]
        keys = [k for k in (state.cursor, *(i.key for i in items if i.source_id in done)) if k is not None]
        return dataclasses.replace(
            state,
            cursor=max(keys) if keys else None,
            seen=tuple(dict.fromkeys(seen))[-SEEN_LIMIT:],
            etag=etag,
            last_modified=last_modified,
        )

    def _failed(self, state: SourceState, now: datetime, message: str, exc: BaseException) -> SourceState:
        """Count a failure and back off exponentially (longer when the portal blocked us)."""
        failures = state.failures + 1
        base = timedelta(seconds=max(60, self.config.interval_seconds))
        delay = base * (2 ** min(failures - 1, 10))
        if isinstance(exc, BlockedError):
            delay = min(max(delay * 4, _BLOCKED_FLOOR), _MAX_BLOCKED_BACKOFF)
        else:
            delay = min(delay, _MAX_BACKOFF)
        return dataclasses.replace(state, failures=failures, last_error=message[:500], backoff_until=now + delay)


def _succeeded(state: SourceState, now: datetime, *, found: bool) -> SourceState:
    """Reset failure accounting after a successful listing."""
    return dataclasses.replace(
        state,
        failures=0,
        last_success=now,
        last_error=None,
        backoff_until=None,
        last_notice_at=now if found else state.last_notice_at,
    )


def _suspect(history: tuple[int, ...], listed: int) -> str | None:
    """Why an empty listing is suspect: the last ``SUSPECT_AFTER`` polls all listed items; else None."""
    recent = history[-SUSPECT_AFTER:]
    if listed or len(recent) < SUSPECT_AFTER or not all(recent) or recent[-1] < SUSPECT_MIN_LAST:
        return None
    counts = ", ".join(str(n) for n in recent)
    return f"the listing parsed to 0 items where the last polls listed {counts} (page changed, or a silent block?)"


def _older_than_cursor(item: ListItem, cursor: str | None) -> bool:
    """True when the item sorts at or before the watermark: paging can stop there.

    The watermark is the key of the newest item already handled, so an item equal to it is known too
    (with a strict comparison paging ran one page past the cursor).
    """
    return cursor is not None and item.key is not None and item.key <= cursor


def _is_expected(exc: BaseException) -> bool:
    """Errors that are the portal's fault, not ours: no traceback in the log for these."""
    return isinstance(exc, TenderbotError)
