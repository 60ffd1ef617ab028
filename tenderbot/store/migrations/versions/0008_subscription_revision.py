"""a revision counter bumped by triggers on every subscription change (the index cache's key)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 02:30:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = {
    "subscriptions_revision_insert": "AFTER INSERT ON subscriptions",
    "subscriptions_revision_update": "AFTER UPDATE ON subscriptions",
    "subscriptions_revision_delete": "AFTER DELETE ON subscriptions",
    "chats_revision_active": "AFTER UPDATE OF active ON chats",
}
_BUMP = "UPDATE subscription_revision SET revision = revision + 1 WHERE id = 1"


def upgrade() -> None:
    """Apply this revision."""
    table = op.create_table(
        "subscription_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("database_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0, "database_id": uuid.uuid4().hex}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_subscription_revision() RETURNS trigger AS $$ BEGIN "
            f"{_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER subscriptions_revision AFTER INSERT OR UPDATE OR DELETE ON subscriptions "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_subscription_revision()"
        )
        op.execute(
            "CREATE TRIGGER chats_revision_active AFTER UPDATE OF active ON chats "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_subscription_revision()"
        )
        return
    for name, event in _SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {_BUMP}; END")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS subscriptions_revision ON subscriptions")
        op.execute("DROP TRIGGER IF EXISTS chats_revision_active ON chats")
        op.execute("DROP FUNCTION IF EXISTS bump_subscription_revision()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("subscription_revision")
