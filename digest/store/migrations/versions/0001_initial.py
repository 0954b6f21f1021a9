"""The first schema: items, the HTTP validator cache and source runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(100), nullable=False, index=True),
        sa.Column("dedup_key", sa.String(2048), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("canonical_url", sa.Text),
        sa.Column("outlet", sa.String(200)),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), index=True),
        sa.Column("date_method", sa.String(20), nullable=False),
        sa.Column("date_note", sa.Text, nullable=False),
        sa.Column("language", sa.String(10)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("issue_week", sa.String(8), index=True),
        sa.Column("section_label", sa.String(50)),
        sa.Column("section_score", sa.Float),
        sa.Column("section_override", sa.String(50)),
        sa.Column("on_topic", sa.Boolean, nullable=False),
        sa.Column("excluded", sa.Boolean, nullable=False),
        sa.UniqueConstraint("source_id", "dedup_key", name="uq_items_source_key"),
    )
    op.create_table(
        "http_cache",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "source_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(100), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("source_runs")
    op.drop_table("http_cache")
    op.drop_table("items")
