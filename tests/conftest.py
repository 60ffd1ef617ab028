"""Shared fixtures: the offline guard (every test); databases (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.repos import Store
from tests.offline import OfflineGuard

PG_ADMIN_URL = os.environ.get("TENDERBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def offline_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineGuard]:
    """Every test: a connection or name look-up for anything but loopback fails it (see tests/offline.py)."""
    guard = OfflineGuard()
    guard.install(monkeypatch)
    yield guard
    guard.verify()


@pytest.fixture(autouse=True)
def _process_hooks_restored() -> Iterator[None]:
    """``tenderbot.cli.main`` configures logging and the excepthooks for the whole process: undo it after a test."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, sys.excepthook, threading.excepthook, sys.unraisablehook)
    showwarning = warnings.showwarning
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    sys.excepthook, threading.excepthook, sys.unraisablehook = saved[2:]
    logging.captureWarnings(False)
    warnings.showwarning = showwarning


def _pg_reachable() -> bool:
    """True when something listens on the PostgreSQL port."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    """Skip with a clear reason when PostgreSQL is absent, but fail under CI, where it must run."""
    if _pg_reachable():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but PostgreSQL is not reachable on 127.0.0.1:5432; the PostgreSQL tests must run in CI")
    pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (start it, or rely on CI where it is required)")


async def _create_pg_database() -> str:
    """Create a throwaway database and return its URL."""
    name = f"tenderbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _drop_pg_database(url: str) -> None:
    """Drop a throwaway database."""
    name = url.rsplit("/", 1)[1]
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file URL."""
    return f"sqlite+aiosqlite:///{tmp_path / 'tenderbot.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database URL (skipped without a server outside CI)."""
    require_postgres()
    url = asyncio.run(_create_pg_database())
    yield url
    asyncio.run(_drop_pg_database(url))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each backend in turn: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'tenderbot.db'}"
        return
    yield request.getfixturevalue("pg_url")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine on each backend."""
    eng = make_engine(database_url)
    await upgrade(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def store(engine: AsyncEngine) -> Store:
    """The repositories over a migrated engine."""
    return Store.over(engine)
