"""source_state.listed: recent listing sizes, so an empty listing after full ones reads as suspect

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-08 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("source_state") as batch:
        batch.add_column(sa.Column("listed", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("source_state") as batch:
        batch.drop_column("listed")
