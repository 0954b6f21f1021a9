"""The desk's sessions, kept in the database: the cookie carries only a random token.

The table keeps the token's SHA-256, never the token, so a copy of the database logs nobody in.
A session ends when the editor logs out (its row is deleted, so a copy of the cookie taken
before stops working) or when it expires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select

from digest.store import Store
from digest.store.tables import desk_sessions


def start(store: Store, user: str, hours: float) -> str:
    """A new session for the user; returns the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    now = _now(store)
    row = {"token_hash": _hash(token), "user": user[:100], "created_at": now}
    row["expires_at"] = now + timedelta(hours=hours)
    with store.engine.begin() as conn:
        conn.execute(delete(desk_sessions).where(desk_sessions.c.expires_at <= now))
        conn.execute(insert(desk_sessions).values(row))
    return token


def user_of(store: Store, token: object) -> str | None:
    """The user of a live session token, or None (unknown, ended or expired)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    query = select(desk_sessions.c.user).where(
        desk_sessions.c.token_hash == _hash(token), desk_sessions.c.expires_at > _now(store)
    )
    with store.engine.connect() as conn:
        return conn.execute(query).scalar()


def end(store: Store, token: object) -> None:
    """End a session: every copy of its cookie stops working."""
    if isinstance(token, str) and token:
        with store.engine.begin() as conn:
            conn.execute(delete(desk_sessions).where(desk_sessions.c.token_hash == _hash(token)))


def _hash(token: str) -> str:
    """What the table keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(store: Store) -> datetime:
    """Now in UTC, as the database compares it (naive for SQLite)."""
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else now
