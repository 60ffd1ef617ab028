"""All active subscriptions compiled into one matcher, kept in step with the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tenderbot.errors import QueryError
from tenderbot.matching.engine import Matcher
from tenderbot.matching.query import Query, parse_query
from tenderbot.models import Notice, NoticeType, Subscription
from tenderbot.store.chats import ChatRepo
from tenderbot.store.notices import NoticeRepo, RawNotice, StoredNotice

log = logging.getLogger(__name__)

# Without a 类型 filter a subscription hears about new tenders; follow-ups (amendments, results,
# terminations, contracts) reach the chats that got the original alert instead (research/domain.md §4.3).
FOLLOW_UP_TYPES = frozenset({NoticeType.AMENDMENT, NoticeType.AWARD, NoticeType.TERMINATION, NoticeType.CONTRACT})


def alerts_for_type(query: Query, notice: Notice) -> bool:
    """Follow-up types alert a subscription only when its query names them (类型:更正 …)."""
    return notice.notice_type not in FOLLOW_UP_TYPES or notice.notice_type in query.types


@dataclass(frozen=True, slots=True)
class SubscriptionMatch:
    """A subscription that matched a notice, and the terms that made it match."""

    subscription: Subscription
    terms: tuple[str, ...]


class CompiledSubscriptions:
    """Subscriptions compiled into one matcher, with the alert rules (follow-up types, blocked buyers) applied."""

    def __init__(self, synonyms: Callable[[str], Iterable[str]] | None = None) -> None:
        self._matcher = Matcher(synonyms)
        self._subs: dict[int, tuple[Subscription, Query]] = {}

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
        self._subs[subscription.id] = (subscription, query)
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
            subscription, query = entry
            if not alerts_for_type(query, notice):
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
        if results and alerts_for_type(query, stored.notice):
            found.append((stored, results[0].terms))
    return found


class SubscriptionIndex:
    """The compiled matcher over every active subscription, refreshed when subscriptions change."""

    def __init__(self, chats: ChatRepo, synonyms: Callable[[str], Iterable[str]] | None = None) -> None:
        self._chats = chats
        self._synonyms = synonyms
        self._compiled = CompiledSubscriptions(synonyms)
        self._version: tuple[int, int] | None = None
        self._dirty = True
        self._local_changes = False

    def invalidate(self) -> None:
        """Reload from the database before the next match (another part changed subscriptions)."""
        self._dirty = True

    def put(self, subscription: Subscription) -> None:
        """Add or replace one subscription without a reload."""
        self._compiled.put(subscription)
        self._local_changes = True

    def drop(self, subscription_id: int) -> None:
        """Remove one subscription without a reload."""
        if self._compiled.drop(subscription_id):
            self._local_changes = True

    def compile(self, subscriptions: Iterable[Subscription]) -> CompiledSubscriptions:
        """A separate matcher over some subscriptions (same synonyms and rules), e.g. for one digest pass."""
        compiled = CompiledSubscriptions(self._synonyms)
        for subscription in subscriptions:
            compiled.put(subscription)
        return compiled

    async def refresh(self) -> None:
        """Reload when invalidated or when another process added or removed subscriptions."""
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
        self._compiled = self.compile(await self._chats.active_subscriptions())
        self._version = version
        self._dirty = False
        self._local_changes = False
        log.debug("matcher compiled over %d subscriptions", len(self._compiled))

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

