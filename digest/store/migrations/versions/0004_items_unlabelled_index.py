"""A partial index of the items the model has not labelled yet: classifying on a build asks for
them, and without it every build scanned the whole items table.

Revision ID: 0004_unlabelled
Revises: 0003_unsubscribes
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_unlabelled"
down_revision = "0003_unsubscribes"
branch_labels = None
depends_on = None

UNLABELLED = sa.text("section_label IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_items_unlabelled",
        "items",
        ["id"],
        sqlite_where=UNLABELLED,
        postgresql_where=UNLABELLED,
    )


def downgrade() -> None:
    op.drop_index("ix_items_unlabelled", table_name="items")
