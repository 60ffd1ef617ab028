"""Engine construction (SQLite in WAL mode or PostgreSQL) and the Alembic upgrade at start."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tenderbot.errors import ConfigError

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).with_name("migrations")


def json_dumps(value: Any) -> str:
    """JSON as UTF-8 text: Chinese stays Chinese (3 bytes a character), not ``\\uXXXX`` (6 bytes)."""
    return orjson.dumps(value).decode()


def make_engine(url: str) -> AsyncEngine:
    """Build the async engine; SQLite gets WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(f"TENDERBOT_DATABASE_URL is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            parsed, connect_args={"timeout": 30}, json_serializer=json_dumps, json_deserializer=orjson.loads
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "asyncpg":
        raise ConfigError("PostgreSQL needs the asyncpg driver: postgresql+asyncpg://user@host/db")
    return create_async_engine(
        parsed, pool_pre_ping=True, json_serializer=json_dumps, json_deserializer=orjson.loads
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the bot read while a poll writes; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    # Notice rows run 1–2 KB: on 4 KB pages one row often fills a page alone. Takes effect on a new file.
    cursor.execute("PRAGMA page_size=8192")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config() -> Config:
    """The Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    """Run Alembic on a synchronous connection."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (applied automatically at start)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)
