"""The editor's state in the store: section overrides, exclusions, week states, story edits, audit.

Every function that changes something takes the `Change` describing it and writes the audit row
in the same transaction, so a change and its record can never be found apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from digest.models import StoryEdit
from digest.store import Store
from digest.store.db import as_utc
from digest.store.tables import deliveries, edits, issue_states, items, story_edits

DRAFT, PUBLISHED = "draft", "published"


@dataclass(frozen=True)
class Change:
    """One audited change: who made it, what kind, on what, and the values before and after."""

    who: str
    action: str  # "move", "exclude", "include", "edit", "reorder", "publish", "reopen"
    target: str  # "<week>/story:i12", "<week>/item:12", "<week>"; "undated/item:7" without one
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class EditRecord:
    """A row of the audit log: a Change with its id and time."""

    id: int
    at: datetime
    who: str
    action: str
    target: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class WeekState:
    """A week's issue state: "draft" or "published", who changed it and when (None if never)."""

    week: str
    status: str
    changed_at: datetime | None = None
    changed_by: str | None = None


def set_section(store: Store, item_ids: Iterable[int], section: str, change: Change) -> None:
    """Set the editor's section on items; "off_topic" leaves them out, any other puts them in."""
    values = {"section_override": section, "on_topic": section != "off_topic"}
    with store.engine.begin() as conn:
        conn.execute(update(items).where(items.c.id.in_(list(item_ids))).values(**values))
        _audit(conn, store, change)


def set_excluded(store: Store, item_ids: Iterable[int], excluded: bool, change: Change) -> None:
    """Exclude items from (or include them again in) every issue."""
    with store.engine.begin() as conn:
        query = update(items).where(items.c.id.in_(list(item_ids))).values(excluded=excluded)
        conn.execute(query)
        _audit(conn, store, change)


def week_state(store: Store, week: str) -> WeekState:
    """The state of a week's issue; a week never published or reopened is a draft."""
    with store.engine.connect() as conn:
        row = conn.execute(select(issue_states).where(issue_states.c.week == week)).first()
    if row is None:
        return WeekState(week, DRAFT)
    return WeekState(week, row.status, as_utc(row.changed_at), row.changed_by)


def published_weeks(store: Store) -> set[str]:
    """The weeks whose issue went out: published by the editor, or mailed to anyone."""
    states = select(issue_states.c.week).where(issue_states.c.status == PUBLISHED)
    mailed = select(deliveries.c.week).where(deliveries.c.status == "sent").distinct()
    with store.engine.connect() as conn:
        return set(conn.execute(states).scalars()) | set(conn.execute(mailed).scalars())


def set_week_status(store: Store, week: str, status: str, change: Change) -> None:
    """Mark a week's issue "draft" or "published", recording who did it."""
    row = {"status": status, "changed_at": _stamp(store, _now()), "changed_by": change.who}
    with store.engine.begin() as conn:
        conn.execute(delete(issue_states).where(issue_states.c.week == week))
        conn.execute(insert(issue_states).values(week=week, **row))
        _audit(conn, store, change)


def story_edits_for(store: Store, week: str) -> dict[str, StoryEdit]:
    """The editor's story edits of a week, by story key."""
    query = select(story_edits).where(story_edits.c.week == week)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return {
        r["story_key"]: StoryEdit(
            r["week"], r["story_key"], r["paragraph"], r["position"], as_utc(r["updated_at"])
        )
        for r in rows
    }


def set_paragraph(store: Store, week: str, key: str, paragraph: str | None, change: Change) -> None:
    """Replace a story's paragraph (None restores the generated one)."""
    with store.engine.begin() as conn:
        _upsert_edit(conn, store, week, key, paragraph=paragraph)
        _audit(conn, store, change)


def set_positions(
    store: Store, week: str, positions: Mapping[str, int | None], change: Change
) -> None:
    """Set stories' positions within their section (None returns a story to the natural order)."""
    with store.engine.begin() as conn:
        for key, position in positions.items():
            _upsert_edit(conn, store, week, key, position=position)
        _audit(conn, store, change)


def edit_log(store: Store, prefix: str = "", limit: int = 200) -> list[EditRecord]:
    """The newest audit rows first, optionally only targets starting with `prefix` (a week)."""
    query = select(edits).order_by(edits.c.id.desc()).limit(limit)
    if prefix:
        query = query.where(edits.c.target.startswith(prefix, autoescape=True))
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [EditRecord(**(dict(r) | {"at": as_utc(r["at"])})) for r in rows]


def _upsert_edit(conn: Connection, store: Store, week: str, key: str, **values) -> None:
    """Change one (week, story) row's paragraph or position; drop the row once both are empty."""
    where = (story_edits.c.week == week) & (story_edits.c.story_key == key)
    row = conn.execute(select(story_edits).where(where)).mappings().first()
    merged = {"paragraph": None, "position": None} | (dict(row) if row else {}) | values
    stamp = _stamp(store, _now())
    if merged["paragraph"] is None and merged["position"] is None:
        conn.execute(delete(story_edits).where(where))
    elif row is None:
        new = {"paragraph": merged["paragraph"], "position": merged["position"]}
        conn.execute(insert(story_edits).values(week=week, story_key=key, updated_at=stamp, **new))
    else:
        conn.execute(update(story_edits).where(where).values(updated_at=stamp, **values))


def _audit(conn: Connection, store: Store, change: Change) -> None:
    """Write the change's audit row inside the caller's transaction."""
    row = {"at": _stamp(store, _now()), "who": change.who, "action": change.action}
    row |= {"target": change.target, "before": change.before, "after": change.after}
    conn.execute(insert(edits).values(row))


def _stamp(store: Store, value: datetime) -> datetime:
    """A UTC timestamp as the database keeps it (naive for SQLite)."""
    value = value.astimezone(UTC)
    return value.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else value


def _now() -> datetime:
    return datetime.now(UTC)
