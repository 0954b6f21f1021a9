"""Collecting: every source gathered (several at once, in worker processes) and stored."""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.queues import SimpleQueue

from digest.fetch.records import FetchOptions, Validators
from digest.ingest.gather import Gathered, Gatherer, Job
from digest.settings.schema import Settings, SourceConfig
from digest.store import Store
from digest.weeks import now_utc

log = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (source id, documents done so far)
CountQueue = SimpleQueue[tuple[str, int] | None]  # workers' (source id, documents); None: stop
BATCH = 64  # items stored per transaction


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
    workers = min(len(wanted), os.cpu_count() or 1)
    if not any(src.kind != "file" for src in wanted):
        workers = 0  # local files: no network to wait for, no workers to start
    job = Job(settings, store.known_urls(), now_utc(), since, _fetch_options(settings, workers))
    if workers == 0:
        with Gatherer(job, _lookup(store)) as gatherer:
            return [_keep(store, gatherer.gather(src, progress), now_utc()) for src in wanted]
    return _in_workers(wanted, job, store, workers, progress)


def _in_workers(wanted, job: Job, store: Store, workers: int, progress) -> list[SourceResult]:
    """Gather sources in worker processes; store each one's items as soon as it is done."""
    # fork: the workers start in milliseconds with everything imported; the parent holds no
    # database connection across the fork (a child closing an inherited one would break it).
    store.engine.dispose()
    context = multiprocessing.get_context("fork")
    results: dict[str, SourceResult] = {}
    started = now_utc()
    counts: CountQueue = context.SimpleQueue()  # (source id, documents so far) from the workers
    drain = threading.Thread(target=_report_counts, args=(counts, progress), daemon=True)
    drain.start()
    try:
        with ProcessPoolExecutor(workers, context, _init_worker, (job, counts)) as pool:
            futures = {pool.submit(_worker_gather, src): src for src in wanted}
            for future in as_completed(futures):
                src = futures[future]
                try:
                    gathered = future.result()
                except (BrokenProcessPool, OSError) as exc:
                    gathered = Gathered(src.id, error=f"source '{src.id}': its worker died: {exc}")
                results[src.id] = _keep(store, gathered, started)
    finally:
        counts.put(None)
        drain.join()
    return [results[src.id] for src in wanted]


def _report_counts(counts: CountQueue, progress: Progress | None) -> None:
    """Pass the workers' document counts to the progress display until told to stop."""
    while (message := counts.get()) is not None:
        if progress:
            progress(*message)


def _keep(store: Store, gathered: Gathered, started: datetime) -> SourceResult:
    """Store a source's items in batches, keep its validators if it succeeded, log its run."""
    result = SourceResult(gathered.source_id, failed=len(gathered.failures), error=gathered.error)
    for where, reason in gathered.failures:
        log.warning("source '%s': %s: %s", gathered.source_id, where, reason)
    for start in range(0, len(gathered.items), BATCH):
        new, same = store.add_items(gathered.items[start : start + BATCH])
        result.new, result.unchanged = result.new + new, result.unchanged + same
    if gathered.error:
        log.error("%s", gathered.error)
    else:
        for url, v in gathered.validators.items():
            store.put_validators(url, v.etag, v.last_modified)
    counts = {"new": result.new, "unchanged": result.unchanged, "failed": result.failed}
    status = "failed" if result.error else "ok"
    store.record_run(gathered.source_id, started, status, error=result.error, **counts)
    return result


def _fetch_options(settings: Settings, workers: int) -> FetchOptions:
    """The fetch limits, shared out among the worker processes so per-host limits still hold."""
    options = settings.fetch.model_dump()
    share = max(1, workers)
    options["per_host"] = max(1, options["per_host"] // share)
    options["total"] = max(1, options["total"] // share)
    return FetchOptions(**options)


def _lookup(store: Store):
    """Stored validators of a URL, as the fetcher's cache reads them."""

    def lookup(url: str) -> Validators | None:
        saved = store.get_validators(url)
        return Validators(etag=saved[0], last_modified=saved[1]) if saved else None

    return lookup


_worker: tuple[Gatherer, CountQueue] | None = None  # a worker's gatherer and its progress queue


def _init_worker(job: Job, counts: CountQueue) -> None:
    global _worker
    # A forked worker must not write through the parent's console (its lock may have been held
    # at the fork): it logs to stderr through a handler of its own.
    root = logging.getLogger()
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(message)s"))
    root.handlers = [plain]
    store = Store(job.settings.database_url, migrate_schema=False)
    _worker = (Gatherer(job, _lookup(store)), counts)


def _worker_gather(src: SourceConfig) -> Gathered:
    """In a worker process: gather one source, telling the parent how many documents so far."""
    assert _worker is not None, "worker started without its job"
    gatherer, counts = _worker
    return gatherer.gather(src, lambda source_id, done: counts.put((source_id, done)))


def source_status(settings: Settings, store: Store) -> list[tuple[str, ...]]:
    """Per source: items stored, the last run, the last success and the last error, as text."""
    counts, last, good = store.counts_by_source(), store.last_runs(), store.last_runs("ok")
    rows: list[tuple[str, ...]] = []
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
