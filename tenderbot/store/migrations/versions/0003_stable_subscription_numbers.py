"""stable subscription numbers

Revision ID: 0003
Revises: 0005
Create Date: 2026-12-08 01:20:00

Each subscription keeps its number in its chat for life (issue 9: deleting #7 used to renumber the rest,
so "/unsub 8" then deleted what the screen had shown as #9). Existing subscriptions are numbered in
their current (creation) order, and each chat's sequence continues after its highest number.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_subscription_number", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
    # The numbers /list showed until now: position in creation (id) order within the chat.
    op.execute(
        "UPDATE subscriptions SET number = (SELECT COUNT(*) FROM subscriptions AS earlier"
        " WHERE earlier.chat_id = subscriptions.chat_id AND earlier.id <= subscriptions.id)"
    )
    op.execute(
        "UPDATE chats SET next_subscription_number = 1 + COALESCE("
        "(SELECT MAX(number) FROM subscriptions WHERE subscriptions.chat_id = chats.id), 0)"
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint("uq_subscriptions_chat_id_number", ["chat_id", "number"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_subscriptions_chat_id_number", type_="unique")
        batch_op.drop_column("number")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("next_subscription_number")
