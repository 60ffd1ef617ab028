"""Teams of the web console: an owner id of their own (kind "team"), one subscription, one destination.

A team is stored as a chat so that it shares the matcher index, the outbox, digests and reminders with
Telegram chats; its id lives far above any Telegram id (Telegram ids fit in 52 bits), so the two never meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.models import Subscription
from tenderbot.store.tables import chats, deliveries, follows, hidden_notices, new_id, subscriptions

TEAM_KIND = "team"
TEAM_ID_BASE = 2**62


@dataclass(frozen=True, slots=True)
class Team:
    """A web-console subscription: its owner id, name, the subscription and where its messages go."""

    id: int
    name: str
    subscription: Subscription
    destination: dict[str, Any]
    language: str = "zh"
    digest_time: str | None = None
    send_failures: int = 0

    @property
    def active(self) -> bool:
        """True unless paused."""
        return self.subscription.active


def is_team(chat_id: int) -> bool:
    """Whether an owner id belongs to a web-console team."""
    return chat_id >= TEAM_ID_BASE


class TeamRepo:
    """Creates, reads, changes and deletes teams and their one subscription."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self,
        name: str,
        query: str,
        destination: dict[str, Any],
        now: datetime,
        *,
        language: str = "zh",
        digest_time: str | None = None,
    ) -> Team:
        """A new team with its subscription (the query is validated by the caller)."""
        async with self._engine.begin() as conn:
            top = (
                await conn.execute(select(func.max(chats.c.id)).where(chats.c.id >= TEAM_ID_BASE))
            ).scalar()
            team_id = int(top) + 1 if top is not None else TEAM_ID_BASE + 1
            await conn.execute(
                chats.insert().values(
                    id=team_id,
                    kind=TEAM_KIND,
                    title=name,
                    language=language,
                    timezone="Asia/Shanghai",
                    digest_time=digest_time,
                    digest_always=False,
                    instant=digest_time is None,
                    active=True,
                    send_failures=0,
                    destination=destination,
                    next_subscription_number=2,  # a team has one subscription: number 1
                    created_at=now,
                )
            )
            result = await conn.execute(
                subscriptions.insert().values(
                    chat_id=team_id, name=name, query=query, active=True, instant=True, excluded_buyers=[],
                    number=1, created_at=now,
                )
            )
            sub_id = new_id(result)
        subscription = Subscription(id=sub_id, chat_id=team_id, query=query, name=name, number=1)
        return Team(team_id, name, subscription, destination, language, digest_time)

    async def all(self) -> list[Team]:
        """Every team, oldest first."""
        return await self._select(None)

    async def get(self, team_id: int) -> Team | None:
        """One team, or None."""
        found = await self._select(team_id)
        return found[0] if found else None

    async def _select(self, team_id: int | None) -> list[Team]:
        query = (
            select(
                chats.c.id,
                chats.c.title,
                chats.c.language,
                chats.c.digest_time,
                chats.c.send_failures,
                chats.c.destination,
                subscriptions.c.id.label("sub_id"),
                subscriptions.c.query,
                subscriptions.c.name,
                subscriptions.c.active,
                subscriptions.c.number,
            )
            .join(subscriptions, subscriptions.c.chat_id == chats.c.id)
            .where(chats.c.kind == TEAM_KIND)
            .order_by(chats.c.id, subscriptions.c.id)
        )
        if team_id is not None:
            query = query.where(chats.c.id == team_id)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        teams: dict[int, Team] = {}
        for r in rows:
            if r.id in teams:
                continue
            subscription = Subscription(
                id=int(r.sub_id), chat_id=int(r.id), query=r.query, name=r.name, active=bool(r.active),
                number=int(r.number),
            )
            teams[int(r.id)] = Team(
                int(r.id), r.title or "", subscription, dict(r.destination or {}), r.language or "zh",
                r.digest_time, int(r.send_failures or 0),
            )
        return list(teams.values())

    async def destination(self, team_id: int) -> dict[str, Any] | None:
        """Where a team's messages go; None when it is not a team."""
        query = select(chats.c.destination).where(chats.c.id == team_id, chats.c.kind == TEAM_KIND)
        async with self._engine.connect() as conn:
            value = (await conn.execute(query)).scalar()
        return dict(value) if isinstance(value, dict) else None

    async def update(
        self,
        team_id: int,
        *,
        name: str,
        query: str,
        destination: dict[str, Any],
        digest_time: str | None,
    ) -> Subscription | None:
        """Change a team's name, query, destination and digest time; None when there is no such team."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(chats)
                .where(chats.c.id == team_id, chats.c.kind == TEAM_KIND)
                .values(
                    title=name,
                    destination=destination,
                    digest_time=digest_time,
                    instant=digest_time is None,
                    next_digest_at=None,
                    active=True,
                    send_failures=0,
                )
            )
            if result.rowcount != 1:
                return None
            await conn.execute(
                update(subscriptions).where(subscriptions.c.chat_id == team_id).values(name=name, query=query)
            )
        team = await self.get(team_id)
        return None if team is None else team.subscription

    async def set_active(self, team_id: int, active: bool) -> Subscription | None:
        """Pause or resume a team's subscription; None when there is no such team."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(subscriptions).where(subscriptions.c.chat_id == team_id).values(active=active)
            )
            if active:
                await conn.execute(
                    update(chats).where(chats.c.id == team_id).values(active=True, send_failures=0)
                )
        team = await self.get(team_id)
        return None if team is None else team.subscription

    async def delete(self, team_id: int) -> list[int]:
        """Delete a team and all it owns; returns the ids of the subscriptions removed."""
        async with self._engine.begin() as conn:
            kind = (await conn.execute(select(chats.c.kind).where(chats.c.id == team_id))).scalar()
            if kind != TEAM_KIND:
                return []
            ids = [
                int(i)
                for i in (
                    await conn.execute(select(subscriptions.c.id).where(subscriptions.c.chat_id == team_id))
                ).scalars()
            ]
            for table in (deliveries, follows, hidden_notices, subscriptions):
                await conn.execute(delete(table).where(table.c.chat_id == team_id))
            await conn.execute(delete(chats).where(chats.c.id == team_id))
        return ids
