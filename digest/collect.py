"""Collecting: every source read (several at once), its documents stored as items."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from digest.config import Settings, SourceConfig
from digest.errors import DigestError
from digest.fetch import Fetcher
from digest.fetch_records import FetchOptions
from digest.ingest import to_items
from digest.sources import SOURCES
from digest.sources.base import SourceContext
from digest.store import Store
from digest.store.validators import StoreValidators
from digest.weeks import now_utc

log = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (source id, documents done so far)
PARALLEL_SOURCES = 4  # sources read at once, each with its own fetcher


@dataclass
class SourceResult:
    """What one source's run gave: counts, and the one-line error if it failed."""

    source_id: str
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None


def collect(
    settings: Settings,
    store: Store,
    source_ids: Sequence[str] = (),
    progress: Progress | None = None,
    since: datetime | None = None,
) -> list[SourceResult]:
    """Read every enabled source (or those named) and store new items; one failure stops none."""
    wanted = [settings.source(sid) for sid in source_ids] if source_ids else settings.sources
    wanted = [src for src in wanted if src.enabled]
    now = now_utc()
    if len(wanted) <= 1:
        return [_collect_one(src, settings, store, progress, since, now) for src in wanted]
    with ThreadPoolExecutor(max_workers=min(PARALLEL_SOURCES, len(wanted))) as pool:
        jobs = [
            pool.submit(_collect_one, src, settings, store, progress, since, now) for src in wanted
        ]
        return [job.result() for job in jobs]


def _collect_one(src: SourceConfig, settings, store, progress, since, now) -> SourceResult:
    """One source, with its own fetcher: documents become items; errors named, never raised."""
    validators = StoreValidators(store)
    options = FetchOptions(**settings.fetch.model_dump())
    with Fetcher(settings.user_agent, options, cache=validators) as fetcher:
        ctx = SourceContext(
            base_dir=settings.base_dir,
            now=now,
            fetcher=fetcher,
            since=since,
            user_agent=settings.user_agent,
            seen=store.has_url,
        )
        result = _store_documents(src, ctx, settings, store, progress)
    validators.discard() if result.error else validators.commit()
    return result


def _store_documents(src: SourceConfig, ctx, settings, store, progress) -> SourceResult:
    """Turn the source's documents into stored items; count what was new, same or failed."""
    result, started = SourceResult(src.id), now_utc()
    try:
        for n, doc in enumerate(SOURCES[src.kind]().documents(src, ctx), start=1):
            try:
                new, same = store.add_items(to_items(doc, settings))
            except DigestError as exc:
                result.failed += 1
                log.warning("source '%s': %s: %s", src.id, doc.path or doc.url, exc)
                continue
            result.new, result.unchanged = result.new + new, result.unchanged + same
            if progress:
                progress(src.id, n)
    except DigestError as exc:
        result.error = str(exc)
        log.error("%s", exc)
    except Exception as exc:  # noqa: BLE001 - one broken source must never stop the others
        result.error = f"source '{src.id}': unexpected {type(exc).__name__}: {exc}"
        log.error("%s", result.error)
    status = "failed" if result.error else "ok"
    counts = {"new": result.new, "unchanged": result.unchanged, "failed": result.failed}
    store.record_run(src.id, started, status, error=result.error, **counts)
    return result


def source_status(settings: Settings, store: Store) -> list[tuple[str, ...]]:
    """Per source: items stored, the last run, the last success and the last error, as text."""
    counts, last, good = store.counts_by_source(), store.last_runs(), store.last_runs("ok")
    rows = []
    for src in settings.sources:
        run_, ok = last.get(src.id), good.get(src.id)
        rows.append(
            (
                src.id,
                str(counts.get(src.id, 0)),
                _when(run_) + (f" ({run_['status']})" if run_ else ""),
                _when(ok),
                (run_ or {}).get("error") or "" if run_ and run_["status"] != "ok" else "",
            )
        )
    return rows


def _when(run_: dict | None) -> str:
    stamp = run_ and (run_["finished_at"] or run_["started_at"])
    return stamp.strftime("%Y-%m-%d %H:%M") if stamp else "never"
