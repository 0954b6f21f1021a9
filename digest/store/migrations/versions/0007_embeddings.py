"""Item embeddings: one vector per content hash and model.

Revision ID: 0007_embeddings
Revises: 0006_desk_sessions
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_embeddings"
down_revision = "0006_desk_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "embeddings",
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(50), primary_key=True),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("embeddings")
