"""One transaction shared by several repositories (a poll's notices, source state and outbox rows).

Repositories are written against ``Database``: an ``AsyncEngine`` (each call its own transaction) or a
``SharedConnection`` (every call joins the caller's transaction, each write under its own savepoint, so a
caller can catch one failed write and go on, even on PostgreSQL where an error aborts the transaction).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class Database(Protocol):
    """What a repository needs: a dialect, a writing transaction and a reading connection."""

    @property
    def dialect(self) -> Dialect:
        """The SQL dialect (statements differ between SQLite and PostgreSQL)."""

    def begin(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection inside a transaction that commits on success and rolls back on error."""

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection for reading."""


async def start_transaction(conn: AsyncConnection) -> None:
    """Open the transaction on SQLite now, so that savepoints nest inside it.

    Python's sqlite3 driver sends BEGIN only before the first INSERT/UPDATE/DELETE; a SAVEPOINT issued
    earlier starts a transaction of its own and its RELEASE commits it, so a later rollback would undo
    nothing (checked on aiosqlite 0.22 / SQLAlchemy 2.1). BEGIN IMMEDIATE also takes the write lock up
    front, waiting out the busy timeout instead of failing when another writer got in between a read and
    the first write of the transaction.
    """
    if conn.dialect.name != "sqlite":
        return
    raw = await conn.get_raw_connection()
    if not getattr(raw.driver_connection, "in_transaction", False):
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


class SharedConnection:
    """Stands in for the engine inside a unit of work: every repository call joins one transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @property
    def dialect(self) -> Dialect:
        """The dialect of the shared connection."""
        return self._conn.dialect

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A savepoint in the shared transaction: a failed write is undone alone, the unit goes on."""
        async with self._conn.begin_nested():
            yield self._conn

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """The shared connection (it sees the unit's own uncommitted writes)."""
        yield self._conn


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine) -> AsyncIterator[SharedConnection]:
    """One transaction for everything done through the yielded handle: all of it commits, or none."""
    async with engine.begin() as conn:
        await start_transaction(conn)
        yield SharedConnection(conn)
