"""Unsubscribed addresses: one row per mailbox (lower-cased), written by the command or the link.

Delivery reads the set before sending and skips every address in it; `digest unsubscribe --undo`
deletes the row. Marking an address twice keeps the first row (re-running is harmless).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from digest.store import Store
from digest.store.tables import unsubscribes

ADDRESS_WIDTH = 320


def mailbox(address: str) -> str:
    """The address as the table keys it: stripped and lower-cased."""
    return address.strip().lower()[:ADDRESS_WIDTH]


def unsubscribe(store: Store, address: str, via: str) -> bool:
    """Mark an address off every future delivery; False when it was already off."""
    key = mailbox(address)
    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else now
    with store.engine.begin() as conn:
        found = conn.execute(select(unsubscribes.c.address).where(unsubscribes.c.address == key))
        if found.first() is not None:
            return False
        conn.execute(insert(unsubscribes).values(address=key, unsubscribed_at=stamp, via=via))
    return True


def resubscribe(store: Store, address: str) -> bool:
    """Take an address off the unsubscribed list again; False when it was not on it."""
    with store.engine.begin() as conn:
        done = conn.execute(delete(unsubscribes).where(unsubscribes.c.address == mailbox(address)))
    return bool(done.rowcount)


def unsubscribed(store: Store) -> set[str]:
    """Every unsubscribed mailbox (lower-cased)."""
    with store.engine.connect() as conn:
        return set(conn.execute(select(unsubscribes.c.address)).scalars())
