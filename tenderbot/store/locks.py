"""Locks between processes sharing one database: who receives Telegram updates, who polls a source now.

PostgreSQL: session advisory locks, each on a connection of its own held while the lock is; a process
that dies loses its connection and so its locks, with no lease to expire. SQLite (one machine): an
exclusive ``flock`` on a file beside the database, released by the kernel when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name (pg_advisory_lock takes a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class ProcessLocks:
    """Non-blocking named locks that another process on the same database respects."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        database = make_url(str(engine.url)).database or ""
        self._folder = None if self._postgres or database in ("", ":memory:") else Path(database).resolve().parent
        self._stem = Path(database).name
        self._held: dict[str, AsyncConnection | IO[Any] | None] = {}

    def held(self, name: str) -> bool:
        """Whether this process holds ``name``."""
        return name in self._held

    async def acquire(self, name: str) -> bool:
        """Take ``name`` if no other process holds it; True when this process holds it now."""
        if name in self._held:
            return True
        if self._postgres:
            conn = await self._engine.connect()
            try:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                result = await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(name)})
                got = bool(result.scalar())
            except BaseException:
                await conn.close()
                raise
            if not got:
                await conn.close()
                return False
            self._held[name] = conn
            return True
        if self._folder is None:  # an in-memory database lives in one process
            self._held[name] = None
            return True
        path = self._folder / f".{self._stem}.{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock"
        handle = path.open("a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {name}\n".encode())
        handle.flush()
        self._held[name] = handle
        return True

    async def release(self, name: str) -> None:
        """Give ``name`` back (nothing when not held)."""
        holder = self._held.pop(name, None)
        if isinstance(holder, AsyncConnection):
            with contextlib.suppress(Exception):  # a lost connection has released the lock already
                await holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
            await holder.close()
        elif holder is not None:
            fcntl.flock(holder.fileno(), fcntl.LOCK_UN)
            holder.close()

    @contextlib.asynccontextmanager
    async def holding(self, name: str) -> AsyncIterator[bool]:
        """``async with locks.holding(name) as held:`` — held only inside the block, when it could be taken."""
        got = await self.acquire(name)
        try:
            yield got
        finally:
            if got:
                await self.release(name)

    async def close(self) -> None:
        """Release every lock this process holds."""
        for name in list(self._held):
            await self.release(name)
