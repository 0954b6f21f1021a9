"""The database tables (SQLAlchemy Core); Alembic migrations create and change them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(100), nullable=False, index=True),
    Column("dedup_key", String(2048), nullable=False),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("outlet", String(200)),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("published", DateTime(timezone=True), index=True),
    Column("date_method", String(20), nullable=False),
    Column("date_note", Text, nullable=False, default=""),
    Column("language", String(10)),
    Column("content_hash", String(64), nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("origin", String(20), nullable=False, default="article"),
    Column("issue_week", String(8), index=True),
    Column("section_label", String(50)),
    Column("section_score", Float),
    Column("section_override", String(50)),
    Column("on_topic", Boolean, nullable=False, default=True),
    Column("excluded", Boolean, nullable=False, default=False),
    UniqueConstraint("source_id", "dedup_key", name="uq_items_source_key"),
    # Migration 0004 adds the partial index ix_items_unlabelled (id WHERE section_label IS NULL),
    # what classifying asks for. It is not declared here: a dialect's keyword on a table makes
    # SQLAlchemy import that dialect, PostgreSQL's too, whatever the database.
)

http_cache = Table(
    "http_cache",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

source_runs = Table(
    "source_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(100), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),
    Column("new", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("error", Text),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("week", String(8), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("format", String(10), nullable=False),
    Column("status", String(20), nullable=False),  # "sending", "sent", "failed"
    Column("message_id", String(300)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("week", "recipient", name="uq_deliveries_week_recipient"),
)

send_leases = Table(
    "send_leases",
    metadata,
    Column("week", String(8), primary_key=True),  # one sender per week at a time
    Column("owner", String(64), nullable=False),  # a random token of the sending run
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),  # renewed before each copy
)

desk_sessions = Table(
    "desk_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie's session token
    Column("user", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

issue_states = Table(
    "issue_states",
    metadata,
    Column("week", String(8), primary_key=True),
    Column("status", String(20), nullable=False),  # "draft", "published"
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(100)),
)

story_edits = Table(
    "story_edits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("week", String(8), nullable=False),
    Column("story_key", String(100), nullable=False),
    Column("paragraph", Text),
    Column("position", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("week", "story_key", name="uq_story_edits_week_key"),
)

edits = Table(
    "edits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(100), nullable=False),
    Column("action", String(30), nullable=False),
    Column("target", String(200), nullable=False),
    Column("before", Text),
    Column("after", Text),
)

unsubscribes = Table(
    "unsubscribes",
    metadata,
    Column("address", String(320), primary_key=True),  # lower-cased: one row per mailbox
    Column("unsubscribed_at", DateTime(timezone=True), nullable=False),
    Column("via", String(20), nullable=False),  # "command", "link", "one-click", "mail"
)


embeddings = Table(
    "embeddings",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("model", String(50), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float16, little-endian
    Column("created_at", DateTime(timezone=True), nullable=False),
)
