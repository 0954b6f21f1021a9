"""The delivery log: one row per (issue week, recipient) saying whether the copy went out.

A row is claimed ("sending") before the SMTP transaction and marked "sent" after the server
accepted the message, or "failed" with the reason. A claim is refused for a row already "sent"
unless forced (an explicit resend), so re-running never sends twice. A row left in "sending" by
a crash is claimed again on the next run: the message may or may not have reached the server
before the crash, so that one recipient may get a second copy (at least once, never zero).

Only one run sends a week at a time: it first takes the week's send lease, a row naming its owner
(a random token, the host and the process id) and when the lease runs out. A second run finds the
row and stops with a one-line message instead of claiming the rows the first one is working on.
The holder renews the lease before each copy and deletes it at the end. A lease whose holder has
died (its process is gone from this host) or that ran out is taken over by the next run.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, update

from digest.errors import DigestError
from digest.store import Store
from digest.store.db import as_utc, dialect_module
from digest.store.tables import deliveries, send_leases

log = logging.getLogger(__name__)

STATUSES = ("sending", "sent", "failed")
_LIMITS = {"recipient": 320, "format": 10, "message_id": 300}
LEASE_SECONDS = 600.0  # how long a sender may go silent before another run may take over


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


@dataclass(frozen=True)
class Lease:
    """The right to send one week's issue: who holds it and until when."""

    week: str
    owner: str
    host: str
    pid: int
    taken_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        """Who holds the lease, for messages: process, host, since when and until when."""
        since, until = (f"{t.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" for t in self.times)
        return f"process {self.pid} on {self.host} (since {since}, lease until {until})"

    @property
    def times(self) -> tuple[datetime, datetime]:
        """When the lease was taken and when it runs out, both UTC-aware."""
        return as_utc(self.taken_at) or self.taken_at, as_utc(self.expires_at) or self.expires_at


def take_lease(store: Store, week: str, seconds: float = LEASE_SECONDS) -> Lease:
    """Become the week's only sender; DigestError naming the live holder if another run is one."""
    now = _stamp(store)
    mine = {"week": week, "owner": secrets.token_hex(16), "host": _host(), "pid": os.getpid()}
    mine |= {"taken_at": now, "expires_at": now + timedelta(seconds=seconds)}
    for _ in range(5):  # the holder may release between our insert and our read: try again
        with store.engine.begin() as conn:
            if conn.execute(_insert_new(store, mine)).first() is not None:
                return _lease(mine)
            row = conn.execute(select(send_leases).where(send_leases.c.week == week)).first()
            if row is None:
                continue
            held = _lease(row._asdict())
            if _alive(held, as_utc(now) or now):
                raise DigestError(
                    f"{week}: another sender is mailing this issue ({held.describe()}); "
                    "nothing sent by this run, try again when it has finished"
                )
            stale = (send_leases.c.week == week) & (send_leases.c.owner == held.owner)
            if conn.execute(update(send_leases).where(stale).values(mine)).rowcount == 1:
                log.warning("%s: took over the send lease of %s: it is gone", week, held.describe())
                return _lease(mine)
    raise DigestError(f"{week}: the send lease keeps changing hands; try again later")


def renew_lease(store: Store, lease: Lease, seconds: float = LEASE_SECONDS) -> Lease:
    """Push the lease's end further; DigestError if another run took it over meanwhile."""
    until = _stamp(store) + timedelta(seconds=seconds)
    mine = (send_leases.c.week == lease.week) & (send_leases.c.owner == lease.owner)
    with store.engine.begin() as conn:
        if conn.execute(update(send_leases).where(mine).values(expires_at=until)).rowcount != 1:
            raise DigestError(
                f"{lease.week}: this run lost its send lease to another sender; stopping"
            )
    return Lease(lease.week, lease.owner, lease.host, lease.pid, lease.taken_at, until)


def release_lease(store: Store, lease: Lease) -> None:
    """Give the lease up (only our own: a lease taken over by another run stays theirs)."""
    mine = (send_leases.c.week == lease.week) & (send_leases.c.owner == lease.owner)
    with store.engine.begin() as conn:
        conn.execute(delete(send_leases).where(mine))


def current_lease(store: Store, week: str) -> Lease | None:
    """The week's lease as stored, live or stale, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(select(send_leases).where(send_leases.c.week == week)).first()
    return _lease(row._asdict()) if row else None


@contextmanager
def sending(store: Store, week: str, seconds: float = LEASE_SECONDS) -> Iterator[Lease]:
    """Hold the week's send lease for the block; it is released however the block ends."""
    lease = take_lease(store, week, seconds)
    try:
        yield lease
    finally:
        release_lease(store, lease)


def _insert_new(store: Store, row: dict):
    """An insert of the lease row that does nothing when the week already has one."""
    dialect = dialect_module(store.engine)
    if dialect is None:
        raise DigestError(f"send leases need SQLite or PostgreSQL, not {store.engine.dialect.name}")
    stmt = dialect.insert(send_leases).values(row).on_conflict_do_nothing()
    return stmt.returning(send_leases.c.owner)  # a row back only when this insert made it


def _lease(row: dict) -> Lease:
    """A lease row as a Lease record."""
    return Lease(**{name: row[name] for name in Lease.__dataclass_fields__})


def _alive(lease: Lease, now: datetime) -> bool:
    """Whether a lease still counts: not run out, and its process not gone from this host."""
    if (as_utc(lease.expires_at) or lease.expires_at) <= now:
        return False
    return lease.host != _host() or _process_exists(lease.pid)


def _process_exists(pid: int) -> bool:
    """Whether a process with this id runs here (a zombie, dead but not reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc: the signal check is all we have
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _host() -> str:
    """This machine's name as leases record it."""
    return socket.gethostname()[:255]


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
