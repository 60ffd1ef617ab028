"""Read-only counts for /status, /stats and /sources, straight from the tables (this module's job is I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tenderbot.store.tables import chats, notices, source_state, subscriptions


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source's polling health as stored in source_state."""

    name: str
    failures: int
    last_success: datetime | None
    last_poll_at: datetime | None
    last_error: str | None
    backoff_until: datetime | None


@dataclass(frozen=True, slots=True)
class Stats:
    """Service-wide numbers for the operators."""

    chats_all: int
    chats_active: int
    subs_all: int
    subs_active: int
    notices_24h: int
    notices_7d: int
    notices_all: int


async def source_health(engine: AsyncEngine) -> list[SourceHealth]:
    """Every polled source, by name."""
    query = select(
        source_state.c.name,
        source_state.c.failures,
        source_state.c.last_success,
        source_state.c.last_poll_at,
        source_state.c.last_error,
        source_state.c.backoff_until,
    ).order_by(source_state.c.name)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [
        SourceHealth(r.name, int(r.failures or 0), r.last_success, r.last_poll_at, r.last_error, r.backoff_until)
        for r in rows
    ]


async def _count(conn: AsyncConnection, table: Table, *where: ColumnElement[bool]) -> int:
    """Rows of a table matching the conditions."""
    return int((await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one())


async def stats(engine: AsyncEngine, now: datetime) -> Stats:
    """Chats, subscriptions and notices, counted."""
    async with engine.connect() as conn:
        return Stats(
            chats_all=await _count(conn, chats),
            chats_active=await _count(conn, chats, chats.c.active.is_(True)),
            subs_all=await _count(conn, subscriptions),
            subs_active=await _count(conn, subscriptions, subscriptions.c.active.is_(True)),
            notices_24h=await _count(conn, notices, notices.c.first_seen_at >= now - timedelta(hours=24)),
            notices_7d=await _count(conn, notices, notices.c.first_seen_at >= now - timedelta(days=7)),
            notices_all=await _count(conn, notices),
        )
