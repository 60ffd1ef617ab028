"""quarantine for notices a poll could not store; no length limits on portal-written keys

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-08 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, column, old type): VARCHARs a real portal value overflowed or could overflow (issue #16).
_WIDENED = (
    ("projects", "code_key", sa.String(length=200)),
    ("projects", "buyer_key", sa.String(length=200)),
    ("notices", "source_id", sa.String(length=300)),
    ("notices", "project_code", sa.String(length=200)),
    ("notices", "buyer_name", sa.String(length=300)),
    ("notice_sources", "source_id", sa.String(length=300)),
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
        sa.UniqueConstraint("source", "source_id", name="uq_quarantine_source_id"),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_created_at"), ["created_at"], unique=False)
    for table, column, old in _WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=old, type_=sa.Text())


def downgrade() -> None:
    """Revert this revision (values longer than the old limits must be shortened first)."""
    for table, column, old in reversed(_WIDENED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(), type_=old)
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_created_at"))
    op.drop_table("quarantine")
