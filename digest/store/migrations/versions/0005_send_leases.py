"""The send lease: one row per week while a sender is mailing that week's issue.

Revision ID: 0005_send_leases
Revises: 0004_unlabelled
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_send_leases"
down_revision = "0004_unlabelled"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_leases",
        sa.Column("week", sa.String(8), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("send_leases")
