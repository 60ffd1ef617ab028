"""Polling state per source: cursor, validators, seen-set and health, so a restart resumes politely."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tenderbot.models import SourceState
from tenderbot.store.tables import source_state
from tenderbot.store.unit import Database

_FIELDS = (
    "cursor",
    "etag",
    "last_modified",
    "failures",
    "last_success",
    "last_error",
    "backoff_until",
    "last_notice_at",
)


class SourceStateRepo:
    """Loads and saves ``SourceState`` rows."""

    def __init__(self, engine: Database) -> None:
        self._engine = engine

    async def load(self, name: str) -> SourceState:
        """The saved state of a source (a fresh one if it never ran)."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(source_state).where(source_state.c.name == name))).one_or_none()
        if row is None:
            return SourceState(name=name)
        values = {f: getattr(row, f) for f in _FIELDS}
        return SourceState(name=name, seen=tuple(row.seen or ()), listed=tuple(row.listed or ()), **values)

    async def last_poll(self, name: str) -> datetime | None:
        """When any process last finished polling a source (None: never)."""
        async with self._engine.connect() as conn:
            return (
                await conn.execute(select(source_state.c.last_poll_at).where(source_state.c.name == name))
            ).scalar()

    async def save(self, state: SourceState, now: datetime) -> None:
        """Persist a source's state after a poll."""
        values = {f: getattr(state, f) for f in _FIELDS}
        values["seen"] = list(state.seen)
        values["listed"] = list(state.listed)
        values["last_poll_at"] = now
        async with self._engine.begin() as conn:
            exists = (await conn.execute(select(source_state.c.name).where(source_state.c.name == state.name))).scalar()
            if exists is None:
                await conn.execute(source_state.insert().values(name=state.name, **values))
            else:
                await conn.execute(source_state.update().where(source_state.c.name == state.name).values(**values))

    async def clear_backoff(self, name: str) -> bool:
        """Forget a source's failures and backoff (a live check just succeeded); False when it never ran."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                source_state.update()
                .where(source_state.c.name == name)
                .values(failures=0, backoff_until=None, last_error=None)
            )
        return bool(result.rowcount)

    async def mark_reported(self, name: str, now: datetime | None) -> None:
        """Remember that the admins were told about this source's trouble (None: trouble over)."""
        async with self._engine.begin() as conn:
            await conn.execute(source_state.update().where(source_state.c.name == name).values(reported_at=now))

    async def reported_at(self, name: str) -> datetime | None:
        """When the admins were last told about this source's trouble."""
        async with self._engine.connect() as conn:
            return (await conn.execute(select(source_state.c.reported_at).where(source_state.c.name == name))).scalar()
