"""The outbox: every message is a row first, unique per chat and key, claimed under a lease, sent, marked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from tenderbot.store.tables import deliveries, notices
from tenderbot.store.unit import Database

# A row claimed longer ago than this belongs to a sender that died mid-send: send it again (at most the
# in-flight messages are duplicated after a crash, never the sent ones). A live sender renews its claims
# (``renew``) well within the lease, so a slow batch (429 pauses, 20/min groups) is never taken twice.
CLAIM_LEASE = timedelta(seconds=60)
# Rows of one chat per claim: a chat drains at about one message a second, so claiming its whole backlog
# would hold every other chat's messages back until it is done.
PER_CHAT_CLAIM = 3
SETTLED_STATES = ("sent", "dead")


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A message to send, before it is stored."""

    chat_id: int
    kind: str
    dedupe_key: str
    notice_id: int | None = None
    subscription_ids: tuple[int, ...] = ()
    why: tuple[str, ...] = ()
    payload: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A stored outbox row."""

    id: int
    chat_id: int
    kind: str
    dedupe_key: str
    notice_id: int | None
    state: str
    attempts: int
    subscription_ids: tuple[int, ...] = ()
    why: tuple[str, ...] = ()
    payload: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    message_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    last_error: str | None = None
    sent_at: datetime | None = None


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        chat_id=row.chat_id,
        kind=row.kind,
        dedupe_key=row.dedupe_key,
        notice_id=row.notice_id,
        state=row.state,
        attempts=row.attempts,
        subscription_ids=tuple(row.subscription_ids or ()),
        why=tuple(row.why or ()),
        payload=row.payload,
        reply_to_message_id=row.reply_to_message_id,
        message_id=row.message_id,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


class OutboxRepo:
    """Enqueue, claim and settle deliveries."""

    def __init__(
        self, engine: Database, *, lease: timedelta = CLAIM_LEASE, per_chat_claim: int = PER_CHAT_CLAIM
    ) -> None:
        self._engine = engine
        self.lease = lease
        self._per_chat = per_chat_claim

    def _insert_ignoring_duplicates(self) -> Any:
        """INSERT … ON CONFLICT DO NOTHING in the engine's dialect."""
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(deliveries).on_conflict_do_nothing(constraint="uq_deliveries_chat_key")
        return sqlite.insert(deliveries).on_conflict_do_nothing(index_elements=["chat_id", "dedupe_key"])

    async def enqueue(self, items: Iterable[OutboxItem], now: datetime) -> int:
        """Store messages to send; an item whose (chat, key) exists already is skipped. Returns rows added."""
        rows = [
            {
                "chat_id": item.chat_id,
                "notice_id": item.notice_id,
                "kind": item.kind,
                "dedupe_key": item.dedupe_key,
                "state": "pending",
                "attempts": 0,
                "not_before": item.not_before or now,
                "subscription_ids": list(item.subscription_ids),
                "why": list(item.why),
                "payload": item.payload,
                "reply_to_message_id": item.reply_to_message_id,
                "created_at": now,
            }
            for item in items
        ]
        if not rows:
            return 0
        async with self._engine.begin() as conn:
            # One statement for every row: a poll queues thousands, one INSERT each took 1.7 s for 2,655
            # (issue #13). With RETURNING, SQLAlchemy sends them as multi-row INSERTs ("insertmanyvalues",
            # batched under the drivers' parameter limits) from one cached compilation; the ids returned
            # are the rows actually added (ON CONFLICT DO NOTHING returns nothing for a duplicate).
            result = await conn.execute(self._insert_ignoring_duplicates().returning(deliveries.c.id), rows)
            return len(result.all())

    def _due(self, now: datetime) -> Any:
        """Pending rows, or rows in flight whose claim has lapsed (their sender died)."""
        return (deliveries.c.state == "pending") | (
            (deliveries.c.state == "sending") & (deliveries.c.claimed_at < now - self.lease)
        )

    async def claim(self, now: datetime, limit: int = 50) -> list[Delivery]:
        """Take due rows for sending, oldest first, at most a few per chat; safe with several senders.

        Fair across chats: each chat's oldest few due rows are ranked in SQL (a window function), so a
        group with hundreds of queued alerts, paced at 20 a minute, never fills a batch and holds back the
        private chats queued behind it. The UPDATE repeats the due condition and returns only the rows it
        changed, so two processes that selected the same candidates (SQLite has no SKIP LOCKED) never both
        own a row; on PostgreSQL the candidates are locked with SKIP LOCKED as well.
        """
        due = self._due(now) & (deliveries.c.not_before <= now)
        ranked = (
            select(
                deliveries.c.id,
                func.row_number().over(partition_by=deliveries.c.chat_id, order_by=deliveries.c.id).label("n"),
            )
            .where(due)
            .subquery()
        )
        candidates = (
            select(deliveries.c.id)
            .where(deliveries.c.id.in_(select(ranked.c.id).where(ranked.c.n <= self._per_chat)))
            .order_by(deliveries.c.id)
            .limit(limit)
        )
        if self._engine.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        async with self._engine.begin() as conn:
            ids = [int(i) for i in (await conn.execute(candidates)).scalars()]
            if not ids:
                return []
            claimed = (
                await conn.execute(
                    deliveries.update()
                    .where(deliveries.c.id.in_(ids), self._due(now))
                    .values(state="sending", claimed_at=now, attempts=deliveries.c.attempts + 1)
                    .returning(*deliveries.c)
                )
            ).all()
        return sorted((_delivery(r) for r in claimed), key=lambda d: d.id)

    async def renew(self, delivery_ids: Sequence[int], now: datetime) -> int:
        """Extend the claim on rows still in flight (a live sender's heartbeat)."""
        if not delivery_ids:
            return 0
        async with self._engine.begin() as conn:
            result = await conn.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(list(delivery_ids)), deliveries.c.state == "sending")
                .values(claimed_at=now)
            )
        return int(result.rowcount)

    async def mark_sent(
        self,
        delivery_id: int,
        now: datetime,
        message_id: int | None,
        shown: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Record a delivered message, its Telegram message id and what it told the chat (``shown``).

        ``payload`` is the row's payload as claimed; ``shown`` is merged into it.
        """
        values: dict[str, Any] = {"state": "sent", "sent_at": now, "message_id": message_id, "last_error": None}
        if shown is not None:
            values["payload"] = {**(payload or {}), "shown": shown}
        async with self._engine.begin() as conn:
            await conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(**values))

    async def mark_retry(
        self, delivery_id: int, error: str, not_before: datetime, *, count_attempt: bool = True
    ) -> None:
        """Put a row back to be tried again later; a wait that was no failure of its own is not counted."""
        values: dict[str, Any] = {"state": "pending", "last_error": error[:500], "not_before": not_before}
        if not count_attempt:
            values["attempts"] = deliveries.c.attempts - 1
        async with self._engine.begin() as conn:
            await conn.execute(
                deliveries.update().where(deliveries.c.id == delivery_id).values(claimed_at=None, **values)
            )

    async def save_payload(self, delivery_id: int, payload: dict[str, Any]) -> None:
        """Replace a row's payload (the sender records which parts of a long message Telegram confirmed)."""
        async with self._engine.begin() as conn:
            await conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(payload=payload))

    async def mark_dead(self, delivery_id: int, error: str) -> None:
        """Give up on a row (chat gone, message rejected for good)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                deliveries.update().where(deliveries.c.id == delivery_id).values(state="dead", last_error=error[:500])
            )

    async def cancel_pending(self, chat_id: int) -> int:
        """Drop what is still queued for a chat that is gone."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                deliveries.update()
                .where(deliveries.c.chat_id == chat_id, deliveries.c.state == "pending")
                .values(state="dead", last_error="chat inactive")
            )
        return int(result.rowcount)

    async def cancel_kind_for_notices(self, kind: str, notice_ids: Sequence[int], reason: str) -> int:
        """Drop queued rows of one kind about some notices (reminders of a terminated tender)."""
        if not notice_ids:
            return 0
        async with self._engine.begin() as conn:
            result = await conn.execute(
                deliveries.update()
                .where(
                    deliveries.c.kind == kind,
                    deliveries.c.notice_id.in_(list(notice_ids)),
                    deliveries.c.state == "pending",
                )
                .values(state="dead", last_error=reason[:500])
            )
        return int(result.rowcount)

    async def alert_message_for_project(self, chat_id: int, project_id: int) -> int | None:
        """The Telegram message id of the first alert a chat got about a project (to reply to)."""
        query = (
            select(deliveries.c.message_id)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(
                deliveries.c.chat_id == chat_id,
                notices.c.project_id == project_id,
                deliveries.c.state == "sent",
                deliveries.c.message_id.is_not(None),
            )
            .order_by(deliveries.c.id)
            .limit(1)
        )
        async with self._engine.connect() as conn:
            value = (await conn.execute(query)).scalar()
        return None if value is None else int(value)

    async def unsent_alert_for_project(self, chat_id: int, project_id: int) -> bool:
        """True while an alert about the project is still queued for the chat (a follow-up must wait for it)."""
        query = (
            select(deliveries.c.id)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(
                deliveries.c.chat_id == chat_id,
                notices.c.project_id == project_id,
                deliveries.c.kind == "alert",
                deliveries.c.state.in_(("pending", "sending")),
            )
            .limit(1)
        )
        async with self._engine.connect() as conn:
            return (await conn.execute(query)).scalar() is not None

    async def last_shown(self, chat_id: int, project_id: int) -> dict[str, Any] | None:
        """What the chat was last told about a project (deadline, budget), recorded when a message was sent."""
        query = (
            select(deliveries.c.payload)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(deliveries.c.chat_id == chat_id, notices.c.project_id == project_id, deliveries.c.state == "sent")
            .order_by(deliveries.c.sent_at.desc(), deliveries.c.id.desc())
        )
        async with self._engine.connect() as conn:
            for payload in (await conn.execute(query)).scalars():
                if isinstance(payload, dict) and isinstance(payload.get("shown"), dict):
                    return dict(payload["shown"])
        return None

    async def alerted_chats(self, project_id: int) -> list[int]:
        """Chats that were sent an alert about any announcement of a project."""
        query = (
            select(deliveries.c.chat_id)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(notices.c.project_id == project_id, deliveries.c.kind == "alert")
            .distinct()
        )
        async with self._engine.connect() as conn:
            return [int(c) for c in (await conn.execute(query)).scalars()]

    async def purge_settled(self, before: datetime) -> int:
        """Housekeeping: delete sent and dead rows created before a time; returns rows deleted.

        Sent alerts that a newer row of the same project may still reply to are kept as long as
        the project has rows inside the retention window (the oldest alert is the thread's root).
        """
        recent_projects = (
            select(notices.c.project_id)
            .join(deliveries, deliveries.c.notice_id == notices.c.id)
            .where(deliveries.c.created_at >= before)
        )
        old_notice_ids = select(notices.c.id).where(notices.c.project_id.not_in(recent_projects))
        query = delete(deliveries).where(
            deliveries.c.state.in_(SETTLED_STATES),
            deliveries.c.created_at < before,
            deliveries.c.notice_id.is_(None) | deliveries.c.notice_id.in_(old_notice_ids),
        )
        async with self._engine.begin() as conn:
            result = await conn.execute(query)
        return int(result.rowcount)

    async def counts(self, chat_id: int | None = None) -> dict[str, int]:
        """Rows per state (for /status and tests)."""
        query = select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
        if chat_id is not None:
            query = query.where(deliveries.c.chat_id == chat_id)
        async with self._engine.connect() as conn:
            return {str(state): int(n) for state, n in (await conn.execute(query)).all()}

    async def for_chat(self, chat_id: int, kinds: Sequence[str] | None = None) -> list[Delivery]:
        """A chat's deliveries in order (for tests and digests)."""
        query = select(deliveries).where(deliveries.c.chat_id == chat_id).order_by(deliveries.c.id)
        if kinds:
            query = query.where(deliveries.c.kind.in_(list(kinds)))
        async with self._engine.connect() as conn:
            return [_delivery(r) for r in (await conn.execute(query)).all()]
