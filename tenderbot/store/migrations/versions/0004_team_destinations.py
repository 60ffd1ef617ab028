"""team destinations

Revision ID: 0004
Revises: 0008
Create Date: 2026-12-08 01:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision: a team chat's destination (robot or e-mail), as JSON."""
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("destination", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("destination")
