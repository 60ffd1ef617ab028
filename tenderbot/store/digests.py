"""Queries for digests, reminders and team webhooks over chats, subscriptions, follows and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update

from tenderbot.errors import ConfigError
from tenderbot.models import DEFAULT_TIMEZONE
from tenderbot.notify.webhooks import WebhookTarget
from tenderbot.store.tables import chats, deliveries, follows, id_chunks, notices, source_state, subscriptions
from tenderbot.store.unit import Database

DEFAULT_DIGEST_TIME = "08:30"


@dataclass(frozen=True, slots=True)
class DigestChat:
    """A chat that gets a daily digest, with when its next one is due (None: not scheduled yet)."""

    id: int
    timezone: str
    digest_time: str
    digest_always: bool
    next_digest_at: datetime | None


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One line of a source's health for the digest footer."""

    name: str
    failures: int
    last_success: datetime | None


def webhook_target(config: Any) -> WebhookTarget | None:
    """A subscription's ``webhook`` JSON ({"kind", "url", "secret"}) as a target; None when unset or invalid."""
    if not isinstance(config, dict) or not config.get("url"):
        return None
    try:
        return WebhookTarget.from_config(config)
    except ConfigError:  # the binding command validated it; a hand-edited row is ignored, not fatal
        return None


class DigestRepo:
    """Reads what digests, reminders and webhooks need; advances digest schedules atomically."""

    def __init__(self, engine: Database, *, default_timezone: str = DEFAULT_TIMEZONE) -> None:
        self._engine = engine
        self._default_timezone = default_timezone

    def _digest_wanted(self) -> Any:
        """A chat wants a digest when it chose a time, is digest-only, or has a digest-only subscription."""
        digest_only_subscription = exists().where(
            subscriptions.c.chat_id == chats.c.id,
            subscriptions.c.active.is_(True),
            subscriptions.c.instant.is_(False),
        )
        return chats.c.digest_time.is_not(None) | chats.c.instant.is_(False) | digest_only_subscription

    async def digest_chats(self, *, unscheduled_only: bool = False, due_at: datetime | None = None) -> list[DigestChat]:
        """Active chats that get a digest; only those never scheduled, or only those due by ``due_at``."""
        query = select(chats).where(chats.c.active.is_(True), chats.c.kind != "console", self._digest_wanted())
        if unscheduled_only:
            query = query.where(chats.c.next_digest_at.is_(None))
        if due_at is not None:
            query = query.where(chats.c.next_digest_at <= due_at)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query.order_by(chats.c.id))).all()
        return [
            DigestChat(
                id=int(r.id),
                timezone=r.timezone or self._default_timezone,
                digest_time=r.digest_time or DEFAULT_DIGEST_TIME,
                digest_always=bool(r.digest_always),
                next_digest_at=r.next_digest_at,
            )
            for r in rows
        ]

    async def advance_digest(self, chat_id: int, old: datetime | None, new: datetime | None) -> bool:
        """Move a chat's next digest from ``old`` to ``new``; False when another process moved it first."""
        condition = chats.c.next_digest_at.is_(None) if old is None else chats.c.next_digest_at == old
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(chats).where(chats.c.id == chat_id, condition).values(next_digest_at=new)
            )
        return result.rowcount == 1

    async def claim_digests(self, chat_ids: Sequence[int], old: datetime, new: datetime) -> list[int]:
        """Move several chats' next digest from ``old`` to ``new`` in one statement; the ids this process claimed.

        Chats due at the same minute in the same zone share both times, so a national 08:30 is a few
        statements, not one transaction per chat; a chat another process moved first is not returned.
        """
        claimed: list[int] = []
        wanted = sorted(chat_ids)
        for chunk in id_chunks(wanted):
            statement = (
                update(chats)
                .where(chats.c.id.in_(chunk), chats.c.next_digest_at == old)
                .values(next_digest_at=new)
                .returning(chats.c.id)
            )
            async with self._engine.begin() as conn:
                claimed += [int(i) for i in (await conn.execute(statement)).scalars()]
        return claimed

    async def recent_alerted_projects(self, chat_id: int, since: datetime) -> list[int]:
        """Projects a chat was alerted about since a time (candidates for "closing soon"), in one query."""
        query = (
            select(notices.c.project_id)
            .join(deliveries, deliveries.c.notice_id == notices.c.id)
            .where(deliveries.c.chat_id == chat_id, deliveries.c.kind == "alert", deliveries.c.created_at >= since)
            .distinct()
        )
        async with self._engine.connect() as conn:
            return [int(n) for n in (await conn.execute(query)).scalars()]

    async def recent_alerted_projects_of(self, chat_ids: Sequence[int], since: datetime) -> dict[int, set[int]]:
        """For several chats, the projects each was alerted about since a time."""
        found: dict[int, set[int]] = {c: set() for c in chat_ids}
        wanted = sorted(found)
        for chunk in id_chunks(wanted):
            query = (
                select(deliveries.c.chat_id, notices.c.project_id)
                .join(deliveries, deliveries.c.notice_id == notices.c.id)
                .where(
                    deliveries.c.chat_id.in_(chunk),
                    deliveries.c.kind == "alert",
                    deliveries.c.created_at >= since,
                )
                .distinct()
            )
            async with self._engine.connect() as conn:
                for r in (await conn.execute(query)).all():
                    found[int(r.chat_id)].add(int(r.project_id))
        return found

    async def followed_projects_of(self, chat_ids: Sequence[int]) -> dict[int, set[int]]:
        """For several chats, the projects each follows."""
        found: dict[int, set[int]] = {c: set() for c in chat_ids}
        wanted = sorted(found)
        for chunk in id_chunks(wanted):
            query = select(follows.c.chat_id, follows.c.project_id).where(
                follows.c.chat_id.in_(chunk)
            )
            async with self._engine.connect() as conn:
                for r in (await conn.execute(query)).all():
                    found[int(r.chat_id)].add(int(r.project_id))
        return found

    async def followed_projects(self, chat_id: int) -> list[int]:
        """Projects a chat follows."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(follows.c.project_id).where(follows.c.chat_id == chat_id))
            return [int(p) for p in rows.scalars()]

    async def sources_health(self) -> list[SourceHealth]:
        """Every polled source's failure count and last success."""
        query = select(source_state.c.name, source_state.c.failures, source_state.c.last_success).order_by(
            source_state.c.name
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [SourceHealth(str(r.name), int(r.failures or 0), r.last_success) for r in rows]

    async def webhook(self, subscription_id: int) -> tuple[WebhookTarget, str] | None:
        """The team robot a subscription is bound to, with the subscription's name; None when unbound."""
        query = select(subscriptions.c.webhook, subscriptions.c.name, subscriptions.c.query).where(
            subscriptions.c.id == subscription_id, subscriptions.c.active.is_(True)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).one_or_none()
        if row is None:
            return None
        target = webhook_target(row.webhook)
        return None if target is None else (target, str(row.name or row.query))

    async def webhook_subscriptions(self, subscription_ids: list[int]) -> list[int]:
        """Which of these subscriptions are bound to a team robot."""
        if not subscription_ids:
            return []
        query = select(subscriptions.c.id, subscriptions.c.webhook).where(
            subscriptions.c.id.in_(subscription_ids), subscriptions.c.active.is_(True)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return sorted(int(r.id) for r in rows if webhook_target(r.webhook) is not None)

    async def bind_webhook(
        self, chat_id: int, subscription_id: int, kind: str, url: str, secret: str | None = None
    ) -> bool:
        """Bind a chat's subscription to a team robot (ConfigError for a bad kind or URL); False if not theirs."""
        target = WebhookTarget(kind=kind, url=url, secret=secret or None)  # type: ignore[arg-type]
        return await self._set_webhook(chat_id, subscription_id, target.to_config())

    async def unbind_webhook(self, chat_id: int, subscription_id: int) -> bool:
        """Remove a subscription's team robot; False if the subscription is not the chat's."""
        return await self._set_webhook(chat_id, subscription_id, None)

    async def _set_webhook(self, chat_id: int, subscription_id: int, config: dict[str, Any] | None) -> bool:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(subscriptions)
                .where(subscriptions.c.id == subscription_id, subscriptions.c.chat_id == chat_id)
                .values(webhook=config)
            )
        return result.rowcount == 1
