"""Deep-link shares and pending multi-step interactions, kept in the database so they survive restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Row

from tenderbot.store.tables import pending_actions, shares
from tenderbot.store.unit import Database


@dataclass(frozen=True, slots=True)
class PendingAction:
    """A multi-step chat interaction (guided /sub, edit, import confirmation) that survives restarts."""

    token: str
    chat_id: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime


def _pending(row: Row[Any]) -> PendingAction:
    return PendingAction(
        token=row.token, chat_id=int(row.chat_id), kind=row.kind, payload=dict(row.payload), created_at=row.created_at
    )


class PendingRepo:
    """Shares (deep-link tokens) and pending actions."""

    def __init__(self, engine: Database) -> None:
        self._engine = engine

    async def create_share(self, token: str, query: str, created_by: int, now: datetime) -> None:
        """Remember a shared query under a deep-link token."""
        async with self._engine.begin() as conn:
            await conn.execute(shares.insert().values(token=token, query=query, created_by=created_by, created_at=now))

    async def share(self, token: str) -> str | None:
        """The query shared under a token, or None."""
        async with self._engine.connect() as conn:
            return (await conn.execute(select(shares.c.query).where(shares.c.token == token))).scalar()

    async def put(self, action: PendingAction) -> None:
        """Create or overwrite a pending action."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(pending_actions).where(pending_actions.c.token == action.token))
            await conn.execute(
                pending_actions.insert().values(
                    token=action.token,
                    chat_id=action.chat_id,
                    kind=action.kind,
                    payload=action.payload,
                    created_at=action.created_at,
                )
            )

    async def get(self, token: str) -> PendingAction | None:
        """One pending action by token."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(pending_actions).where(pending_actions.c.token == token))).one_or_none()
        return None if row is None else _pending(row)

    async def latest(self, chat_id: int, kinds: tuple[str, ...]) -> PendingAction | None:
        """The newest pending action of some kinds in a chat (the one a typed reply is meant for)."""
        query = (
            select(pending_actions)
            .where(pending_actions.c.chat_id == chat_id, pending_actions.c.kind.in_(kinds))
            .order_by(pending_actions.c.created_at.desc())
            .limit(1)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _pending(row)

    async def update(self, token: str, payload: dict[str, Any]) -> None:
        """Replace a pending action's payload."""
        async with self._engine.begin() as conn:
            await conn.execute(pending_actions.update().where(pending_actions.c.token == token).values(payload=payload))

    async def drop(self, token: str) -> None:
        """Forget a pending action (done, cancelled or expired)."""
        async with self._engine.begin() as conn:
            await conn.execute(delete(pending_actions).where(pending_actions.c.token == token))

    async def drop_kinds(self, chat_id: int, kinds: tuple[str, ...]) -> None:
        """Forget a chat's pending actions of some kinds (a new one replaces them)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(pending_actions).where(pending_actions.c.chat_id == chat_id, pending_actions.c.kind.in_(kinds))
            )

    async def purge(self, older_than: datetime) -> int:
        """Forget pending actions nobody finished (housekeeping)."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(pending_actions).where(pending_actions.c.created_at < older_than))
        return int(result.rowcount)
