"""The store: the only shared state. Stages reach the database through these functions only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, func, insert, or_, select, update

from digest.models import Item
from digest.store.db import as_utc, dialect_module, make_engine, migrate
from digest.store.tables import embeddings, http_cache, items, source_runs

_ITEM_FIELDS = [f.name for f in fields(Item) if f.name != "id"]


class Store:
    """A migrated database holding items, the HTTP validator cache and source runs."""

    def __init__(self, url: str, migrate_schema: bool = True) -> None:
        self.engine: Engine = make_engine(url)
        if migrate_schema:
            migrate(self.engine)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # -- items -------------------------------------------------------------------------------
    def add_items(self, new: Iterable[Item]) -> tuple[int, int]:
        """Insert items not yet stored (unique per source and URL or content); (new, unchanged).

        One transaction and one multi-row insert for the batch: a kill mid-way stores all or none.
        """
        given = [self._row(item) for item in new]
        rows: dict[tuple[str, str], dict] = {}
        for row in given:
            rows.setdefault((row["source_id"], row["dedup_key"]), row)
        with self.engine.begin() as conn:
            stored = self._existing(conn, list(rows))
            fresh = [row for key, row in rows.items() if key not in stored]
            if fresh:
                conn.execute(self._insert_ignore(), fresh)
        return len(fresh), len(given) - len(fresh)

    def _row(self, item: Item) -> dict:
        row = {name: getattr(item, name) for name in _ITEM_FIELDS}
        row["dedup_key"] = dedup_key(item)
        row["published"] = self._stamp(item.published)
        row["fetched_at"] = self._stamp(item.fetched_at)
        return row

    def _existing(self, conn, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (source, key) pairs are already stored, asked in chunks."""
        found: set[tuple[str, str]] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            query = select(items.c.source_id, items.c.dedup_key).where(
                items.c.source_id.in_({s for s, _ in chunk}),
                items.c.dedup_key.in_({k for _, k in chunk}),
            )
            found |= {(s, k) for s, k in conn.execute(query)}
        return found

    def _insert_ignore(self):
        """A multi-row insert that skips a row whose (source, key) another writer just stored."""
        dialect = dialect_module(self.engine)
        return dialect.insert(items).on_conflict_do_nothing() if dialect else insert(items)

    def known_urls(self) -> set[str]:
        """Every stored canonical URL: what adapters check before fetching an article."""
        query = select(items.c.canonical_url).where(items.c.canonical_url.is_not(None))
        with self.engine.connect() as conn:
            return {url for (url,) in conn.execute(query)}

    def _stamp(self, value: datetime | None) -> datetime | None:
        """A timestamp as the database keeps it: UTC (naive for SQLite)."""
        if value is None:
            return None
        value = as_utc(value)
        return _naive(value) if self.engine.dialect.name == "sqlite" else value

    def get_item(self, item_id: int) -> Item | None:
        """One item by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(items).where(items.c.id == item_id)).mappings().first()
        return _to_item(row) if row else None

    def all_items(self) -> list[Item]:
        """Every stored item, oldest id first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(items).order_by(items.c.id)).mappings().all()
        return [_to_item(r) for r in rows]

    def unlabelled_items(self, languages: Sequence[str] | None = None) -> list[Item]:
        """Items the model has not labelled yet (in these languages or of none), oldest first.

        Indexed (ix_items_unlabelled): a build asks for them, however large the store.
        """
        query = select(items).where(items.c.section_label.is_(None)).order_by(items.c.id)
        if languages is not None:
            query = query.where(
                or_(items.c.language.in_(list(languages)), items.c.language.is_(None))
            )
        with self.engine.connect() as conn:
            return [_to_item(r) for r in conn.execute(query).mappings()]

    def items_for_week(self, week: str, start: datetime, end: datetime) -> list[Item]:
        """Items published in [start, end) plus paragraphs of the past issue of that week."""
        in_window = (items.c.published >= _naive(start)) & (items.c.published < _naive(end))
        if self.engine.dialect.name != "sqlite":
            in_window = (items.c.published >= start) & (items.c.published < end)
        query = select(items).where(
            or_(
                (items.c.origin != "past_issue") & in_window,
                (items.c.origin == "past_issue") & (items.c.issue_week == week),
            )
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(items.c.published, items.c.id)).mappings().all()
        return [_to_item(r) for r in rows]

    def items_published_between(self, start: datetime, end: datetime) -> list[Item]:
        """Items (not past-issue paragraphs) published in [start, end], by date."""
        lo, hi = (
            (_naive(start), _naive(end)) if self.engine.dialect.name == "sqlite" else (start, end)
        )
        query = select(items).where(
            (items.c.origin != "past_issue") & (items.c.published >= lo) & (items.c.published <= hi)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(items.c.published, items.c.id)).mappings().all()
        return [_to_item(r) for r in rows]

    def set_labels(self, labels: Sequence[tuple[int, str, float, bool]]) -> None:
        """Store the model's (item id, label, score, on_topic); editor overrides stay untouched."""
        with self.engine.begin() as conn:
            for item_id, label, score, on_topic in labels:
                conn.execute(
                    update(items)
                    .where(items.c.id == item_id)
                    .values(section_label=label, section_score=score, on_topic=on_topic)
                )

    def counts_by_source(self) -> dict[str, int]:
        """Number of stored items per source id."""
        query = select(items.c.source_id, func.count()).group_by(items.c.source_id)
        with self.engine.connect() as conn:
            return {sid: n for sid, n in conn.execute(query)}

    def published_dates(self) -> list[tuple[datetime | None, str | None]]:
        """(published, issue_week) of every item: what the weeks with content are found from."""
        query = select(items.c.published, items.c.issue_week)
        with self.engine.connect() as conn:
            return [(as_utc(p), w) for p, w in conn.execute(query)]

    # -- embeddings (keyed by content hash and model) ------------------------------------------
    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> int:
        """Store vectors by content hash (float16) for a model; hashes already stored are kept."""
        if not vectors:
            return 0
        now = _now()
        with self.engine.begin() as conn:
            known = self._known_hashes(conn, model, list(vectors))
            rows = [
                {
                    "content_hash": key,
                    "model": model,
                    "dim": int(np.asarray(vec).size),
                    "vector": np.asarray(vec, dtype="<f2").tobytes(),
                    "created_at": now,
                }
                for key, vec in vectors.items()
                if key not in known
            ]
            if rows:
                conn.execute(insert(embeddings), rows)
        return len(rows)

    def _known_hashes(self, conn, model: str, keys: list[str]) -> set[str]:
        """Which of these content hashes have a vector for the model, asked in chunks."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            query = select(embeddings.c.content_hash).where(
                embeddings.c.model == model,
                embeddings.c.content_hash.in_(keys[start : start + 500]),
            )
            found |= {k for (k,) in conn.execute(query)}
        return found

    def get_vectors(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors (float32) of these content hashes for a model; absent ones omitted."""
        keys = list(dict.fromkeys(hashes))
        out: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                query = select(embeddings.c.content_hash, embeddings.c.vector).where(
                    embeddings.c.model == model,
                    embeddings.c.content_hash.in_(keys[start : start + 500]),
                )
                for key, blob in conn.execute(query):
                    out[key] = np.frombuffer(blob, dtype="<f2").astype(np.float32)
        return out

    def item_vectors(self, model: str, chosen: Iterable[Item]) -> dict[int, np.ndarray]:
        """The stored vectors of these items, by item id (items without one are left out)."""
        ids = {i.id: i.content_hash for i in chosen if i.id is not None}
        found = self.get_vectors(model, ids.values())
        return {item_id: found[key] for item_id, key in ids.items() if key in found}

    # -- HTTP validators (conditional GET) ----------------------------------------------------
    def get_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The (ETag, Last-Modified) stored for a URL, or None."""
        query = select(http_cache.c.etag, http_cache.c.last_modified).where(http_cache.c.url == url)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1]) if row else None

    def put_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a URL's validators for the next conditional GET."""
        row = {"url": url, "etag": etag, "last_modified": last_modified, "updated_at": _now()}
        with self.engine.begin() as conn:
            conn.execute(http_cache.delete().where(http_cache.c.url == url))
            conn.execute(insert(http_cache).values(row))

    # -- source runs -------------------------------------------------------------------------
    def record_run(self, source_id: str, started: datetime, status: str, **counts) -> None:
        """Log one source's run: status ("ok", "failed"), counts and error text."""
        row = {"source_id": source_id, "started_at": started, "finished_at": _now()}
        row |= {"status": status, "new": 0, "unchanged": 0, "failed": 0, "error": None} | counts
        with self.engine.begin() as conn:
            conn.execute(insert(source_runs).values(row))

    def last_runs(self, status: str | None = None) -> dict[str, dict]:
        """The newest run of each source (with that status, if given), as a dict of its columns."""
        newest = select(func.max(source_runs.c.id)).group_by(source_runs.c.source_id)
        if status:
            newest = newest.where(source_runs.c.status == status)
        query = select(source_runs).where(source_runs.c.id.in_(newest))
        with self.engine.connect() as conn:
            return {r["source_id"]: dict(r) for r in conn.execute(query).mappings()}


def dedup_key(item: Item) -> str:
    """What makes an item unique within its source: its canonical URL, else its content hash."""
    return item.canonical_url or f"sha256:{item.content_hash}"


def _to_item(row) -> Item:
    values = {name: row[name] for name in _ITEM_FIELDS} | {"id": row["id"]}
    values["published"] = as_utc(values["published"])
    values["fetched_at"] = as_utc(values["fetched_at"])
    return Item(**values)


def _naive(value: datetime) -> datetime:
    """A UTC timestamp without tzinfo, as SQLite stores it."""
    return value.astimezone(UTC).replace(tzinfo=None)


def _now() -> datetime:
    return datetime.now(UTC)
