"""The outbox: every message is a row first, unique per chat and key, claimed, sent, marked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.store.tables import deliveries, notices

# A row claimed longer ago than this belongs to a sender that died mid-send: send it again
# (at most the in-flight messages are duplicated after a crash, never the sent ones).
CLAIM_LEASE = timedelta(minutes=2)


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
    )


class OutboxRepo:
    """Enqueue, claim and settle deliveries."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

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
        added = 0
        async with self._engine.begin() as conn:
            for row in rows:
                result = await conn.execute(self._insert_ignoring_duplicates().values(**row))
                added += max(result.rowcount, 0)
        return added

    async def claim(self, now: datetime, limit: int = 50) -> list[Delivery]:
        """Take due rows for sending (pending, or in flight past the lease), oldest first."""
        due = (deliveries.c.state == "pending") | (
            (deliveries.c.state == "sending") & (deliveries.c.claimed_at < now - CLAIM_LEASE)
        )
        query = select(deliveries).where(due, deliveries.c.not_before <= now).order_by(deliveries.c.id).limit(limit)
        if self._engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        async with self._engine.begin() as conn:
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            ids = [r.id for r in rows]
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.id.in_(ids))
                .values(state="sending", claimed_at=now, attempts=deliveries.c.attempts + 1)
            )
        return [_delivery(r) for r in rows]

    async def mark_sent(self, delivery_id: int, now: datetime, message_id: int | None) -> None:
        """Record a delivered message and its Telegram message id."""
        async with self._engine.begin() as conn:
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.id == delivery_id)
                .values(state="sent", sent_at=now, message_id=message_id, last_error=None)
            )

    async def mark_retry(self, delivery_id: int, error: str, not_before: datetime) -> None:
        """Put a row back to be tried again later."""
        async with self._engine.begin() as conn:
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.id == delivery_id)
                .values(state="pending", last_error=error[:500], not_before=not_before, claimed_at=None)
            )

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
