"""Alembic environment: runs on the connection tenderbot hands over (async engines included)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tenderbot.store.tables import metadata


def _run(connection: Connection) -> None:
    """Configure the context on a live connection and run the migrations."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("tenderbot runs migrations through tenderbot.store.db.upgrade (tenderbot db upgrade)")
_run(connection)
