"""Daily digests: a once-a-minute tick finds chats whose digest time has come in their own zone and queues it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tenderbot.delivery.reminders import CANCELLING_TYPES, current_deadline
from tenderbot.models import Notice
from tenderbot.notify.digest import CLOSING_SOON, DigestSection, HealthLine, next_digest_at, render_digest
from tenderbot.store.chats import ChatRecord
from tenderbot.store.digests import DEFAULT_DIGEST_TIME, DigestChat
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tenderbot.subscriptions import FOLLOW_UP_TYPES, SubscriptionIndex

log = logging.getLogger(__name__)

# "Closing soon" looks at what the chat was alerted about in this window, plus what it follows.
ALERT_LOOKBACK = timedelta(days=30)
# A digest that is this late (the service was down) is skipped rather than sent hours off time.
LATE_LIMIT = timedelta(hours=6)


class DigestService:
    """Builds digests from the day's matches and queues them as outbox rows (one row per message part)."""

    def __init__(self, store: Store, index: SubscriptionIndex, *, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._repo = store.digests
        self._index = index
        self._clock = clock

    async def tick(self) -> int:
        """Schedule new digest chats, then queue every digest that is due; returns digests queued."""
        now = self._clock()
        for chat in await self._repo.digest_chats(unscheduled_only=True):
            try:
                first = next_digest_at(chat.digest_time, ZoneInfo(chat.timezone), now)
            except (ValueError, KeyError) as exc:  # a hand-edited time or zone must not stop everyone's digest
                log.warning("chat %d: cannot schedule its digest (%s)", chat.id, exc)
                continue
            await self._repo.advance_digest(chat.id, None, first)
        queued = 0
        for chat in await self._repo.digest_chats(due_at=now):
            try:
                queued += await self._due(chat, now)
            except Exception:
                log.exception("chat %d: digest failed; the next one is scheduled", chat.id)
        return queued

    async def _due(self, chat: DigestChat, now: datetime) -> int:
        """Claim one due digest by moving its schedule on, then build and queue it; 1 when queued."""
        assert chat.next_digest_at is not None
        following = next_digest_at(chat.digest_time, ZoneInfo(chat.timezone), now)
        # The atomic move is the claim: of several processes, exactly one gets to send this digest.
        if not await self._repo.advance_digest(chat.id, chat.next_digest_at, following):
            return 0
        if now - chat.next_digest_at > LATE_LIMIT:
            log.info("chat %d: digest due %s skipped (too late)", chat.id, chat.next_digest_at)
            return 0
        since = chat.next_digest_at - timedelta(days=1)
        return 1 if await self.queue(chat.id, since=since, now=now, key=f"{chat.next_digest_at:%Y%m%dT%H%M}") else 0

    async def queue(self, chat_id: int, *, since: datetime, now: datetime, key: str, force: bool = False) -> int:
        """Build one chat's digest and queue its parts; returns parts queued (0: empty or already queued)."""
        parts = await self.build(chat_id, since=since, now=now, force=force)
        items = [
            OutboxItem(chat_id=chat_id, kind="digest", dedupe_key=f"digest:{key}:{n}", payload={"text": text})
            for n, text in enumerate(parts, start=1)
        ]
        return await self._store.outbox.enqueue(items, now)

    async def build(self, chat_id: int, *, since: datetime, now: datetime, force: bool = False) -> list[str]:
        """The digest's messages for one chat: matches since ``since`` by subscription, closing soon, health."""
        chat = await self._store.chats.get(chat_id)
        if chat is None:
            raise LookupError(f"no chat {chat_id}")
        tz = ZoneInfo(chat.timezone)
        sections, matched = await self._sections(chat, since, now)
        closing = await self._closing_soon(chat, matched, now)
        health = await self._health()
        return render_digest(
            sections, closing, health, now=now, tz=tz, language=chat.language, always=force or chat.digest_always
        )

    async def _sections(
        self, chat: ChatRecord, since: datetime, now: datetime
    ) -> tuple[list[DigestSection], dict[int, Notice]]:
        """The window's notices matched against this chat's subscriptions (instant and digest-only alike)."""
        await self._index.refresh()
        subscriptions = [s for s in await self._store.chats.subscriptions(chat.id) if s.active]
        hidden = {p for c, p in await self._store.chats.hidden_projects() if c == chat.id}
        by_sub: dict[int, list[Notice]] = {s.id: [] for s in subscriptions}
        matched: dict[int, Notice] = {}
        for stored in reversed(await self._store.notices.seen_since(since)):  # oldest first
            notice = stored.notice
            if stored.first_seen_at > now or stored.project_id in hidden:
                continue
            if notice.notice_type in FOLLOW_UP_TYPES or _closed(notice, now):
                continue
            for match in self._index.match(notice):
                if match.subscription.id in by_sub:
                    # Listed under the first subscription that matched, so no tender appears twice.
                    by_sub[match.subscription.id].append(notice)
                    matched[stored.project_id] = notice
                    break
        sections = [DigestSection(s.name or s.query, by_sub[s.id]) for s in subscriptions]
        return sections, matched

    async def _closing_soon(self, chat: ChatRecord, matched: dict[int, Notice], now: datetime) -> list[Notice]:
        """Tenders the chat knows (followed, alerted, matched today) whose deadline is within a week."""
        projects = set(matched) | set(await self._repo.followed_projects(chat.id))
        projects |= set(await self._repo.recent_alerted_projects(chat.id, now - ALERT_LOOKBACK))
        soon: list[Notice] = []
        for project_id in projects:
            announcements = await self._store.notices.project_notices(project_id)
            if any(s.notice.notice_type in CANCELLING_TYPES for s in announcements):
                continue
            latest = current_deadline(announcements)
            deadline = latest.notice.tender_deadline if latest else None
            if latest is not None and deadline is not None and now < deadline <= now + CLOSING_SOON:
                soon.append(latest.notice)
        return sorted(soon, key=lambda n: n.tender_deadline or now)

    async def _health(self) -> HealthLine:
        sources = await self._repo.sources_health()
        return HealthLine(len(sources), [s.name for s in sources if s.failures > 0])

    async def schedule(self, chat: DigestChat) -> datetime:
        """When a chat's next digest comes (for /settings)."""
        return next_digest_at(chat.digest_time or DEFAULT_DIGEST_TIME, ZoneInfo(chat.timezone), self._clock())


def _closed(notice: Notice, now: datetime) -> bool:
    return notice.tender_deadline is not None and notice.tender_deadline < now
