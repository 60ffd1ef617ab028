"""notice body text in its own compressed column

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-08 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision (rows written before it keep their text inline in ``data``)."""
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("body", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("body")
