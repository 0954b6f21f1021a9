"""Unsubscribed addresses: delivery skips them.

Revision ID: 0003_unsubscribes
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_unsubscribes"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unsubscribes",
        sa.Column("address", sa.String(320), primary_key=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unsubscribes")
