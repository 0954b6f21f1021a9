"""The delivery log: one row per (issue week, recipient) saying whether the copy went out.

A row is claimed ("sending") before the SMTP transaction and marked "sent" after the server
accepted the message, or "failed" with the reason. A claim is refused for a row already "sent"
unless forced (an explicit resend), so re-running never sends twice. A row left in "sending" by
a crash is claimed again on the next run: the message may or may not have reached the server
before the crash, so that one recipient may get a second copy (at least once, never zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from digest.store import Store
from digest.store.db import as_utc
from digest.store.tables import deliveries

STATUSES = ("sending", "sent", "failed")
_LIMITS = {"recipient": 320, "format": 10, "message_id": 300}


@dataclass(frozen=True)
class Delivery:
    """One logged delivery: the week, the recipient, the outcome and how many attempts it took."""

    week: str
    recipient: str
    format: str
    status: str
    message_id: str | None
    attempts: int
    error: str | None
    updated_at: datetime


def claim(
    store: Store, week: str, recipient: str, fmt: str, message_id: str, *, force: bool = False
) -> bool:
    """Mark a copy "sending" before it is sent; False (nothing changed) when it was already sent."""
    values = {"format": fmt, "status": "sending", "message_id": message_id, "error": None}
    values = _clip(values) | {"updated_at": _stamp(store)}
    with store.engine.begin() as conn:
        row = conn.execute(_select(week, recipient)).mappings().first()
        if row is None:
            row_id = {"week": week, "recipient": _key(recipient)}
            conn.execute(insert(deliveries).values(row_id | values | {"attempts": 1}))
            return True
        if row["status"] == "sent" and not force:
            return False
        values["attempts"] = row["attempts"] + 1
        conn.execute(update(deliveries).where(deliveries.c.id == row["id"]).values(values))
    return True


def mark_sent(store: Store, week: str, recipient: str) -> None:
    """Record that the server accepted the copy."""
    _set(store, week, recipient, status="sent", error=None)


def mark_failed(store: Store, week: str, recipient: str, error: str, fmt: str = "") -> None:
    """Record why a copy did not go out (creating the row for a recipient never claimed)."""
    with store.engine.begin() as conn:
        if conn.execute(_select(week, recipient)).first() is None:
            row = {"week": week, "recipient": recipient, "format": fmt, "status": "failed"}
            row = _clip(row) | {"attempts": 0, "error": error, "updated_at": _stamp(store)}
            conn.execute(insert(deliveries).values(row))
            return
    _set(store, week, recipient, status="failed", error=error)


def get(store: Store, week: str, recipient: str) -> Delivery | None:
    """The log row of one recipient for one week, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(_select(week, recipient)).mappings().first()
    return _record(row) if row else None


def for_week(store: Store, week: str) -> list[Delivery]:
    """Every log row of a week, in the order they were first written."""
    query = select(deliveries).where(deliveries.c.week == week).order_by(deliveries.c.id)
    with store.engine.connect() as conn:
        return [_record(r) for r in conn.execute(query).mappings()]


def counts(store: Store, week: str) -> dict[str, int]:
    """How many rows of the week are in each status."""
    found = {status: 0 for status in STATUSES}
    for row in for_week(store, week):
        found[row.status] = found.get(row.status, 0) + 1
    return found


def _set(store: Store, week: str, recipient: str, **values: object) -> None:
    """Update one row's columns and its timestamp."""
    stmt = update(deliveries).where(
        deliveries.c.week == week, deliveries.c.recipient == _key(recipient)
    )
    with store.engine.begin() as conn:
        conn.execute(stmt.values(**values, updated_at=_stamp(store)))


def _select(week: str, recipient: str):
    """The query for one (week, recipient) row."""
    return select(deliveries).where(
        deliveries.c.week == week, deliveries.c.recipient == _key(recipient)
    )


def _key(recipient: str) -> str:
    """The recipient as stored: cut to the column's width."""
    return recipient[: _LIMITS["recipient"]]


def _clip(values: dict) -> dict:
    """Cut text values to their column's width so a long bad address can still be logged."""
    return {
        k: v[: _LIMITS[k]] if k in _LIMITS and isinstance(v, str) else v for k, v in values.items()
    }


def _stamp(store: Store) -> datetime:
    """Now, as the database keeps it: UTC (naive for SQLite)."""
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else now


def _record(row) -> Delivery:
    """A table row as a Delivery record."""
    values = {name: row[name] for name in Delivery.__dataclass_fields__}
    values["updated_at"] = as_utc(values["updated_at"])
    return Delivery(**values)
