"""Daily digests: a once-a-minute tick finds chats whose digest time has come in their own zone and queues it.

All chats due at one tick are served by one pass over the window's notices: the notices are read in
batches (no cap), each is matched once against a matcher compiled from the due chats' subscriptions,
and the matches are grouped by chat. Decoding and matching run in a worker thread on that private
matcher, so the event loop (polls, the bot) keeps running while 10⁴ chats' digests are built.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from tenderbot.delivery.reminders import CANCELLING_TYPES, current_deadline
from tenderbot.matching.engine import notice_budget
from tenderbot.models import Notice, Subscription
from tenderbot.notify.digest import CLOSING_SOON, DigestSection, HealthLine, next_digest_at, render_digest
from tenderbot.store.chats import ChatRecord
from tenderbot.store.digests import DEFAULT_DIGEST_TIME, DigestChat
from tenderbot.store.notices import RawNotice, StoredNotice
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tenderbot.subscriptions import FOLLOW_UP_TYPES, CompiledSubscriptions, SubscriptionIndex

log = logging.getLogger(__name__)

# "Closing soon" looks at what the chat was alerted about in this window, plus what it follows.
ALERT_LOOKBACK = timedelta(days=30)
# A digest that is this late (the service was down) is skipped rather than sent hours off time.
LATE_LIMIT = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class DueDigest:
    """One chat's digest to build: the window start and the key that makes its outbox rows unique."""

    chat_id: int
    since: datetime
    key: str


@dataclass(slots=True)
class _ChatMatches:
    """What one pass found for one chat: notices by subscription (with the terms that fired), by project."""

    by_subscription: dict[int, list[tuple[Notice, tuple[str, ...]]]] = field(default_factory=dict)
    projects: dict[int, Notice] = field(default_factory=dict)


def _rank(entry: tuple[Notice, tuple[str, ...]]) -> tuple[int, float]:
    """Best first: more matched terms, then the larger budget (what a bid team opens first)."""
    notice, terms = entry
    budget = notice_budget(notice)
    return (-len(terms), -float(budget) if budget is not None else 0.0)


def _closed(notice: Notice, now: datetime) -> bool:
    return notice.tender_deadline is not None and notice.tender_deadline < now


def _match_batch(
    compiled: CompiledSubscriptions,
    rows: Sequence[RawNotice],
    windows: Mapping[int, datetime],
    hidden: set[tuple[int, int]],
    now: datetime,
) -> list[tuple[int, int, StoredNotice, tuple[str, ...]]]:
    """Decode and match one batch (thread-safe: touches only its arguments); (chat, subscription, notice, terms)."""
    found: list[tuple[int, int, StoredNotice, tuple[str, ...]]] = []
    for row in rows:
        if row.first_seen_at > now:
            continue
        stored = row.decode()
        notice = stored.notice
        if notice.notice_type in FOLLOW_UP_TYPES or _closed(notice, now):
            continue
        placed: set[int] = set()
        for match in compiled.match(notice):
            chat_id = match.subscription.chat_id
            since = windows.get(chat_id)
            if since is None or chat_id in placed or row.first_seen_at < since:
                continue
            if (chat_id, stored.project_id) in hidden:
                continue
            # Listed under the first subscription that matched, so no tender appears twice in a digest.
            placed.add(chat_id)
            found.append((chat_id, match.subscription.id, stored, match.terms))
    return found


def _closing_projects(announcements: Mapping[int, Sequence[RawNotice]], now: datetime) -> dict[int, Notice]:
    """Projects whose current deadline (an amendment's wins) falls within a week and that were not cancelled."""
    closing: dict[int, Notice] = {}
    for project_id, raw in announcements.items():
        stored = [row.decode() for row in raw]
        if any(s.notice.notice_type in CANCELLING_TYPES for s in stored):
            continue
        latest = current_deadline(stored)
        deadline = latest.notice.tender_deadline if latest else None
        if latest is not None and deadline is not None and now < deadline <= now + CLOSING_SOON:
            closing[project_id] = latest.notice
    return closing


class DigestService:
    """Builds digests from the day's matches and queues them as outbox rows (one row per message part)."""

    def __init__(
        self,
        store: Store,
        index: SubscriptionIndex,
        *,
        clock: Callable[[], datetime],
        web_url: str = "",
        batch: int = 2000,
    ) -> None:
        self._store = store
        self._repo = store.digests
        self._index = index
        self._clock = clock
        self._web_url = web_url.rstrip("/")
        self._batch = batch

    async def tick(self) -> int:
        """Schedule new digest chats, then queue every digest that is due in one pass; returns digests queued."""
        now = self._clock()
        for chat in await self._repo.digest_chats(unscheduled_only=True):
            try:
                first = next_digest_at(chat.digest_time, ZoneInfo(chat.timezone), now)
            except (ValueError, KeyError) as exc:  # a hand-edited time or zone must not stop everyone's digest
                log.warning("chat %d: cannot schedule its digest (%s)", chat.id, exc)
                continue
            await self._repo.advance_digest(chat.id, None, first)
        due = await self._claim(await self._repo.digest_chats(due_at=now), now)
        if not due:
            return 0
        try:
            built = await self.build_many(due, now=now)
            await self._enqueue(built, {d.chat_id: d.key for d in due}, now)
        except Exception:
            log.exception("digests for %d chats failed; their next ones are scheduled", len(due))
            return 0
        return sum(1 for parts in built.values() if parts)

    async def _claim(self, chats: Sequence[DigestChat], now: datetime) -> list[DueDigest]:
        """Claim the due digests by moving their schedules on (grouped: one statement per time pair)."""
        groups: dict[tuple[datetime, datetime], list[int]] = {}
        for chat in chats:
            assert chat.next_digest_at is not None
            try:
                following = next_digest_at(chat.digest_time, ZoneInfo(chat.timezone), now)
            except (ValueError, KeyError) as exc:
                log.warning("chat %d: cannot schedule its digest (%s)", chat.id, exc)
                continue
            groups.setdefault((chat.next_digest_at, following), []).append(chat.id)
        due: list[DueDigest] = []
        for (was, following), chat_ids in groups.items():
            # The atomic move is the claim: of several processes, exactly one gets to send each digest.
            claimed = await self._repo.claim_digests(chat_ids, was, following)
            if now - was > LATE_LIMIT:
                log.info("%d digest(s) due %s skipped (too late)", len(claimed), was)
                continue
            due += [DueDigest(chat_id, was - timedelta(days=1), f"{was:%Y%m%dT%H%M}") for chat_id in claimed]
        return due

    async def queue(self, chat_id: int, *, since: datetime, now: datetime, key: str, force: bool = False) -> int:
        """Build one chat's digest and queue its parts; returns parts queued (0: empty or already queued)."""
        if await self._store.chats.get(chat_id) is None:
            raise LookupError(f"no chat {chat_id}")
        built = await self.build_many([DueDigest(chat_id, since, key)], now=now, force=force)
        return await self._enqueue(built, {chat_id: key}, now)

    async def _enqueue(self, built: Mapping[int, Sequence[str]], keys: Mapping[int, str], now: datetime) -> int:
        """Queue every part of every built digest in one write; returns rows added."""
        items = [
            OutboxItem(chat_id=chat_id, kind="digest", dedupe_key=f"digest:{keys[chat_id]}:{n}", payload={"text": text})
            for chat_id, parts in built.items()
            for n, text in enumerate(parts, start=1)
        ]
        return await self._store.outbox.enqueue(items, now)

    async def build(self, chat_id: int, *, since: datetime, now: datetime, force: bool = False) -> list[str]:
        """The digest's messages for one chat: matches since ``since`` by subscription, closing soon, health."""
        if await self._store.chats.get(chat_id) is None:
            raise LookupError(f"no chat {chat_id}")
        built = await self.build_many([DueDigest(chat_id, since, "")], now=now, force=force)
        return built.get(chat_id, [])

    async def build_many(
        self, due: Sequence[DueDigest], *, now: datetime, force: bool = False
    ) -> dict[int, list[str]]:
        """Every due chat's digest messages, from one pass over the notices of the widest window."""
        windows = {d.chat_id: d.since for d in due}
        chats = await self._store.chats.get_many(windows)
        subscriptions = await self._store.chats.active_subscriptions_of(chats)
        matches = await self._match_window(windows, subscriptions, now)
        closing = await self._closing_soon(list(chats), matches, now)
        health = await self._health()
        return await asyncio.to_thread(self._render_all, chats, subscriptions, matches, closing, health, now, force)

    def _render_all(
        self,
        chats: Mapping[int, ChatRecord],
        subscriptions: Mapping[int, Sequence[Subscription]],
        matches: Mapping[int, _ChatMatches],
        closing: Mapping[int, list[Notice]],
        health: HealthLine,
        now: datetime,
        force: bool,
    ) -> dict[int, list[str]]:
        """Every chat's digest messages (pure rendering, run in a worker thread)."""
        built: dict[int, list[str]] = {}
        for chat_id, chat in chats.items():
            sections = self._sections(subscriptions[chat_id], matches.get(chat_id, _ChatMatches()))
            built[chat_id] = render_digest(
                sections,
                closing.get(chat_id, []),
                health,
                now=now,
                tz=_zone(chat.timezone, self._store.default_timezone),
                language=chat.language,
                always=force or chat.digest_always,
            )
        return built

    async def _match_window(
        self, windows: Mapping[int, datetime], subscriptions: Mapping[int, Sequence[Subscription]], now: datetime
    ) -> dict[int, _ChatMatches]:
        """One pass over every notice since the earliest window start, matched once, grouped by chat."""
        wanted = [s for subs in subscriptions.values() for s in subs]
        if not wanted:
            return {}
        compiled = await asyncio.to_thread(self._index.compile, wanted)
        hidden = {pair for pair in await self._store.chats.hidden_projects() if pair[0] in windows}
        found: dict[int, _ChatMatches] = {}
        async for rows in self._store.notices.raw_since(min(windows.values()), batch=self._batch):
            for chat_id, sub_id, stored, terms in await asyncio.to_thread(
                _match_batch, compiled, rows, windows, hidden, now
            ):
                chat = found.setdefault(chat_id, _ChatMatches())
                chat.by_subscription.setdefault(sub_id, []).append((stored.notice, terms))
                chat.projects[stored.project_id] = stored.notice
        return found

    def _sections(self, subscriptions: Sequence[Subscription], matches: _ChatMatches) -> list[DigestSection]:
        """One section per subscription, best matches first, with a link to the rest when the console is known."""
        sections = []
        for subscription in subscriptions:
            entries = sorted(matches.by_subscription.get(subscription.id, []), key=_rank)
            more_url = f"{self._web_url}/notices?q={quote(subscription.query)}" if self._web_url else None
            sections.append(
                DigestSection(subscription.name or subscription.query, [n for n, _ in entries], more_url=more_url)
            )
        return sections

    async def _closing_soon(
        self, chat_ids: Sequence[int], matches: Mapping[int, _ChatMatches], now: datetime
    ) -> dict[int, list[Notice]]:
        """Per chat, tenders it knows (followed, alerted, matched today) whose deadline is within a week."""
        followed = await self._repo.followed_projects_of(chat_ids)
        alerted = await self._repo.recent_alerted_projects_of(chat_ids, now - ALERT_LOOKBACK)
        known = {
            chat_id: followed.get(chat_id, set())
            | alerted.get(chat_id, set())
            | set(matches.get(chat_id, _ChatMatches()).projects)
            for chat_id in chat_ids
        }
        announcements = await self._store.notices.projects_raw(set().union(*known.values()))
        closing_by_project = await asyncio.to_thread(_closing_projects, announcements, now)
        return {
            chat_id: sorted(
                (closing_by_project[p] for p in projects if p in closing_by_project),
                key=lambda n: n.tender_deadline or now,
            )
            for chat_id, projects in known.items()
        }

    async def _health(self) -> HealthLine:
        sources = await self._repo.sources_health()
        return HealthLine(len(sources), [s.name for s in sources if s.failures > 0])

    async def schedule(self, chat: DigestChat) -> datetime:
        """When a chat's next digest comes (for /settings)."""
        return next_digest_at(chat.digest_time or DEFAULT_DIGEST_TIME, ZoneInfo(chat.timezone), self._clock())


def _zone(name: str, default: str) -> ZoneInfo:
    """The chat's zone; the deployment's default zone (TENDERBOT_TIMEZONE) when a hand-edited row names no valid one."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo(default)
