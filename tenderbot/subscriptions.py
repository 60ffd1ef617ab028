"""All active subscriptions compiled into one matcher, kept in step with the database."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tenderbot.errors import QueryError
from tenderbot.index_cache import IndexCache, cache_key
from tenderbot.matching.engine import Matcher
from tenderbot.matching.query import Query, parse_query
from tenderbot.models import Notice, NoticeType, Subscription
from tenderbot.store.chats import ChatRepo
from tenderbot.store.notices import NoticeRepo, RawNotice, StoredNotice

log = logging.getLogger(__name__)

# A full rebuild saves the cache at most this often (seconds).
CACHE_SAVE_INTERVAL = 300.0
# Without a 类型 filter a subscription hears about new tenders; follow-ups (amendments, results,
# terminations, contracts) reach the chats that got the original alert instead (research/domain.md §4.3).
FOLLOW_UP_TYPES = frozenset({NoticeType.AMENDMENT, NoticeType.AWARD, NoticeType.TERMINATION, NoticeType.CONTRACT})


def alerts_for_type(types: Collection[NoticeType], notice: Notice) -> bool:
    """Follow-up types alert a subscription only when its query names them (类型:更正 … in ``types``)."""
    return notice.notice_type not in FOLLOW_UP_TYPES or notice.notice_type in types


@dataclass(frozen=True, slots=True)
class SubscriptionMatch:
    """A subscription that matched a notice, and the terms that made it match."""

    subscription: Subscription
    terms: tuple[str, ...]


class CompiledSubscriptions:
    """Subscriptions compiled into one matcher, with the alert rules (follow-up types, blocked buyers) applied."""

    def __init__(self, synonyms: Callable[[str], Iterable[str]] | None = None) -> None:
        self._matcher = Matcher(synonyms)
        # Each subscription with the notice types its query names (all the rules below need of the query:
        # the matcher holds the rest, and a cached index loads faster without 100k parsed queries).
        self._subs: dict[int, tuple[Subscription, frozenset[NoticeType]]] = {}

    def bind_synonyms(self, synonyms: Callable[[str], Iterable[str]] | None) -> None:
        """Set the synonym source again after loading from a cache (a callable is not pickled)."""
        self._matcher.bind_synonyms(synonyms)

    def put(self, subscription: Subscription) -> bool:
        """Add or replace one subscription; False (and dropped) when inactive or its query is invalid."""
        if not subscription.active:
            self.drop(subscription.id)
            return False
        try:
            query = parse_query(subscription.query)
        except QueryError as exc:
            log.warning("subscription %d has an invalid query and is ignored: %s", subscription.id, exc)
            self.drop(subscription.id)
            return False
        self._subs[subscription.id] = (subscription, frozenset(query.types))
        self._matcher.add(subscription.id, query)
        return True

    def drop(self, subscription_id: int) -> bool:
        """Remove one subscription; False when it was not compiled."""
        if self._subs.pop(subscription_id, None) is None:
            return False
        self._matcher.remove(subscription_id)
        return True

    def match(self, notice: Notice) -> list[SubscriptionMatch]:
        """Subscriptions a notice should alert, excluding buyers a subscription has blocked."""
        found: list[SubscriptionMatch] = []
        buyer = (notice.buyer.name or "") if notice.buyer else ""
        for result in self._matcher.match(notice):
            entry = self._subs.get(result.subscription_id)
            if entry is None:
                continue
            subscription, types = entry
            if not alerts_for_type(types, notice):
                continue
            if buyer and any(blocked and blocked in buyer for blocked in subscription.excluded_buyers):
                continue
            found.append(SubscriptionMatch(subscription, result.terms))
        return found

    def __len__(self) -> int:
        """How many subscriptions are compiled."""
        return len(self._subs)


def _preview_batch(
    matcher: Matcher, query: Query, rows: Sequence[RawNotice]
) -> list[tuple[StoredNotice, tuple[str, ...]]]:
    """Decode and match one batch against a private one-query matcher (safe in a worker thread)."""
    found: list[tuple[StoredNotice, tuple[str, ...]]] = []
    for row in rows:
        stored = row.decode()
        results = matcher.match(stored.notice)
        if results and alerts_for_type(query.types, stored.notice):
            found.append((stored, results[0].terms))
    return found


class SubscriptionIndex:
    """The compiled matcher over every active subscription, refreshed when subscriptions change."""

    def __init__(
        self,
        chats: ChatRepo,
        synonyms: Callable[[str], Iterable[str]] | None = None,
        *,
        cache: IndexCache | None = None,
        cache_salt: str = "",
    ) -> None:
        self._chats = chats
        self._synonyms = synonyms
        self._cache = cache
        self._cache_salt = cache_salt
        self._saved_at = -CACHE_SAVE_INTERVAL
        self._compiled = CompiledSubscriptions(synonyms)
        # put/drop calls made while a rebuild runs in a worker thread, replayed onto its result.
        self._during_rebuild: list[Subscription | int] | None = None
        self._refreshing = asyncio.Lock()
        self._version: tuple[str, int] | None = None
        self._dirty = True
        self._local_changes = False

    def invalidate(self) -> None:
        """Reload from the database before the next match (another part changed subscriptions)."""
        self._dirty = True

    def put(self, subscription: Subscription) -> None:
        """Add or replace one subscription without a reload."""
        self._compiled.put(subscription)
        self._local_changes = True
        if self._during_rebuild is not None:
            self._during_rebuild.append(subscription)

    def drop(self, subscription_id: int) -> None:
        """Remove one subscription without a reload."""
        if self._compiled.drop(subscription_id):
            self._local_changes = True
        if self._during_rebuild is not None:
            self._during_rebuild.append(subscription_id)

    def compile(self, subscriptions: Iterable[Subscription]) -> CompiledSubscriptions:
        """A separate matcher over some subscriptions (same synonyms and rules), e.g. for one digest pass."""
        compiled = CompiledSubscriptions(self._synonyms)
        for subscription in subscriptions:
            compiled.put(subscription)
        return compiled

    async def refresh(self) -> None:
        """Reload when invalidated or when another process added or removed subscriptions."""
        async with self._refreshing:
            await self._refresh()

    async def _refresh(self) -> None:
        version = await self._chats.subscriptions_version()
        local, self._local_changes = self._local_changes, False
        if not self._dirty and version != self._version and local:
            # The bot's own writes moved the version and put/drop already applied them: no full rebuild
            # (at 100k subscriptions that costs ~10 s). A change another process made in the same
            # interval waits for the next version change; only one process runs the bot.
            self._version = version
            return
        if not self._dirty and version == self._version:
            return
        self._during_rebuild = []
        try:
            compiled = await self._rebuild(version)
            for change in self._during_rebuild:  # made after the read: the rebuild may not hold them
                if isinstance(change, Subscription):
                    compiled.put(change)
                else:
                    compiled.drop(change)
        finally:
            self._during_rebuild = None
        self._compiled = compiled
        self._version = version
        self._dirty = False
        self._local_changes = False
        log.debug("matcher compiled over %d subscriptions", len(self._compiled))

    async def _rebuild(self, version: tuple[str, int]) -> CompiledSubscriptions:
        """The index at ``version``: from the cache when it was saved at that version, else compiled."""
        if self._cache is None:
            return await asyncio.to_thread(self.compile, await self._chats.active_subscriptions())
        # The version was read before the rows: a change in between makes the saved key older than the
        # content, so the next start recompiles rather than trusting a stale file.
        key = cache_key(version, self._cache_salt)
        cached = await asyncio.to_thread(self._cache.load, key)
        if cached is not None:
            cached.bind_synonyms(self._synonyms)
            log.info("subscription index loaded from its cache (%d subscriptions)", len(cached))
            return cached
        compiled = await asyncio.to_thread(self.compile, await self._chats.active_subscriptions())
        # Saved before it is published, so no put/drop can change it while it is written; at most every
        # few minutes, since other processes' changes also rebuild.
        if time.monotonic() - self._saved_at >= CACHE_SAVE_INTERVAL:
            self._saved_at = time.monotonic()
            await asyncio.to_thread(self._cache.save, key, compiled)
        return compiled

    def match(self, notice: Notice) -> list[SubscriptionMatch]:
        """Subscriptions a notice should alert, excluding buyers a subscription has blocked."""
        return self._compiled.match(notice)

    async def recent_matches(
        self, notices: NoticeRepo, query: Query, since: datetime, *, batch: int = 2000
    ) -> list[tuple[StoredNotice, tuple[str, ...]]]:
        """Which notices first seen since ``since`` a (not yet saved) query would alert, with the terms that fired.

        Same rules as ``match`` (synonyms, follow-up types), so /sub's preview tells the truth. Every notice
        of the window is read (no cap: a national week is ~70k), decoded and matched in a worker thread.
        """
        matcher = Matcher(self._synonyms)
        matcher.add(0, query)
        found: list[tuple[StoredNotice, tuple[str, ...]]] = []
        async for rows in notices.raw_since(since, batch=batch):
            found += await asyncio.to_thread(_preview_batch, matcher, query, rows)
        return found

    def __len__(self) -> int:
        """How many active subscriptions are compiled."""
        return len(self._compiled)

