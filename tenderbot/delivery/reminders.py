"""Deadline reminders for followed tenders: T-3 and T-1 days, following amended deadlines, never after a termination."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from tenderbot.models import NoticeType
from tenderbot.store.notices import StoredNotice
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store

log = logging.getLogger(__name__)

DEFAULT_OFFSETS = (timedelta(days=3), timedelta(days=1))
CANCELLING_TYPES = frozenset({NoticeType.TERMINATION, NoticeType.AWARD})


def current_deadline(announcements: Sequence[StoredNotice]) -> StoredNotice | None:
    """The latest announcement of a project that states a deadline (an amendment's deadline wins)."""
    dated = [s for s in announcements if s.notice.tender_deadline is not None]
    return dated[-1] if dated else None


def reminder_key(project_id: int, deadline: datetime, offset: timedelta) -> str:
    """The dedupe key: a changed deadline is a new reminder, the same one is never sent twice."""
    return f"reminder:{project_id}:{deadline:%Y%m%dT%H%M%z}:{offset.total_seconds() / 86400:g}d"


class ReminderService:
    """Queues reminders for followed projects whose deadline comes within an offset."""

    def __init__(
        self, store: Store, *, clock: Callable[[], datetime], offsets: Sequence[timedelta] = DEFAULT_OFFSETS
    ) -> None:
        self._store = store
        self._clock = clock
        self._offsets = tuple(sorted(offsets))  # shortest first

    async def tick(self) -> int:
        """One pass over every follow of an active chat; returns reminders queued."""
        now = self._clock()
        chats_by_project: dict[int, list[int]] = defaultdict(list)
        for chat_id, project_id in await self._store.chats.followed():
            chats_by_project[project_id].append(chat_id)
        items: list[OutboxItem] = []
        for project_id, chat_ids in chats_by_project.items():
            announcements = await self._store.notices.project_notices(project_id)
            if any(s.notice.notice_type in CANCELLING_TYPES for s in announcements):
                # Terminated (or already awarded): no reminder, and none still queued goes out.
                await self._store.outbox.cancel_kind_for_notices(
                    "reminder", [s.id for s in announcements], "tender terminated"
                )
                continue
            carrier = current_deadline(announcements)
            if carrier is None or carrier.notice.tender_deadline is None:
                continue
            deadline = carrier.notice.tender_deadline
            offset = self._due_offset(deadline, now)
            if offset is None:
                continue
            payload = {"deadline": deadline.isoformat(), "offset_days": offset.total_seconds() / 86400}
            key = reminder_key(project_id, deadline, offset)
            items += [
                OutboxItem(chat_id=c, kind="reminder", dedupe_key=key, notice_id=carrier.id, payload=payload)
                for c in sorted(set(chat_ids))
            ]
        return await self._store.outbox.enqueue(items, now)

    def _due_offset(self, deadline: datetime, now: datetime) -> timedelta | None:
        """The nearest threshold already crossed (after downtime only the latest reminder is sent)."""
        if deadline <= now:
            return None
        for offset in self._offsets:
            if deadline - offset <= now:
                return offset
        return None
