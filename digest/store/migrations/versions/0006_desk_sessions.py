"""The desk's server-side sessions: a logout (or the expiry) ends a session for every copy of it.

Revision ID: 0006_desk_sessions
Revises: 0005_send_leases
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_desk_sessions"
down_revision = "0005_send_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("desk_sessions")
