"""Collecting: every source gathered (several at once, in worker processes) and stored."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.process
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection, wait

from digest.fetch.records import FetchOptions, Validators
from digest.ingest.gather import Gathered, Gatherer, Job
from digest.ingest.orphans import end_with_parent
from digest.settings.schema import Settings, SourceConfig
from digest.store import Store
from digest.store.db import database_problem
from digest.weeks import now_utc

log = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (source id, documents done so far)
BATCH = 64  # items stored per transaction


@dataclass
class SourceResult:
    """What one source's run gave: counts, and the one-line reason if it failed."""

    source_id: str
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None  # the reason alone; `message` names the source too

    @property
    def message(self) -> str | None:
        """The failure as one line naming the source, or None when it did not fail."""
        return None if self.error is None else f"source '{self.source_id}': {self.error}"


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
    """Gather sources in worker processes, at most `workers` at once, each within its budget.

    One process per source, each with its own pipe for progress and the result: a source past
    fetch.source_budget is killed and reported without harming the others (no shared queue or
    lock it could die holding). A source's items are stored as soon as it is done.
    """
    context = multiprocessing.get_context("fork")
    budget = job.settings.fetch.source_budget
    results: dict[str, SourceResult] = {}
    started = now_utc()
    pending = list(wanted)
    running: dict[Connection, _Running] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                src = pending.pop(0)
                # fork: the worker starts in milliseconds with everything imported; the parent
                # holds no database connection across the fork (a child closing one breaks it).
                store.engine.dispose()
                reader, writer = context.Pipe(duplex=False)
                proc = context.Process(
                    target=_worker, args=(job, src, writer, os.getpid()), daemon=True
                )
                proc.start()
                writer.close()
                running[reader] = _Running(src, proc, time.monotonic() + budget)
            soonest = min(r.deadline for r in running.values())
            ready = wait(list(running), timeout=max(0.0, soonest - time.monotonic()))
            for conn in [c for c in running if c in ready]:
                done = _receive(conn, running[conn], progress)
                if done is not None:
                    running.pop(conn).finish(conn)
                    results[done.source_id] = _keep(store, done, started)
            now = time.monotonic()
            for conn, late in [(c, r) for c, r in running.items() if r.deadline <= now]:
                running.pop(conn).finish(conn, kill=True)
                reason = f"stopped after its {budget:g}s budget (fetch.source_budget)"
                gone = Gathered(late.src.id, error=reason)
                results[late.src.id] = _keep(store, gone, started)
    finally:
        for conn, left in running.items():
            left.finish(conn, kill=True)
    return [results[src.id] for src in wanted]


@dataclass
class _Running:
    """A worker process gathering one source, and when its budget ends."""

    src: SourceConfig
    proc: multiprocessing.process.BaseProcess
    deadline: float

    def finish(self, conn: Connection, kill: bool = False) -> None:
        """Close the pipe and reap the process (killed first when it must stop)."""
        if kill and self.proc.is_alive():
            self.proc.kill()
        conn.close()
        self.proc.join()


def _receive(conn: Connection, worker: _Running, progress: Progress | None) -> Gathered | None:
    """One message from a worker: a progress count (None returned) or its Gathered result."""
    try:
        kind, value = conn.recv()
    except (EOFError, OSError):
        worker.proc.join()
        code = worker.proc.exitcode
        sid = worker.src.id
        return Gathered(sid, error=f"its worker died (exit code {code})")
    if kind == "progress":
        if progress:
            progress(worker.src.id, value)
        return None
    return value


def _keep(store: Store, gathered: Gathered, started: datetime) -> SourceResult:
    """Store a source's items in batches, keep its validators if it succeeded, log its run.

    When the database will not take them (locked by another process past the busy timeout),
    the source is reported in one line and its validators are not saved: the next run fetches
    again what was not stored, instead of being told "not modified".
    """
    from sqlalchemy.exc import OperationalError

    result = SourceResult(gathered.source_id, failed=len(gathered.failures), error=gathered.error)
    for where, reason in gathered.failures:
        log.warning("source '%s': %s: %s", gathered.source_id, where, reason)
    try:
        for start in range(0, len(gathered.items), BATCH):
            new, same = store.add_items(gathered.items[start : start + BATCH])
            result.new, result.unchanged = result.new + new, result.unchanged + same
        if not gathered.error:
            for url, v in gathered.validators.items():
                store.put_validators(url, v.etag, v.last_modified)
    except OperationalError as exc:
        left = len(gathered.items) - result.new - result.unchanged
        result.error = (
            f"{database_problem(exc)}; {left} fetched items not stored, fetched again next run"
        )
    if result.error:
        log.error("source '%s': %s", gathered.source_id, result.error)
    counts = {"new": result.new, "unchanged": result.unchanged, "failed": result.failed}
    status = "failed" if result.error else "ok"
    try:
        store.record_run(gathered.source_id, started, status, error=result.error, **counts)
    except OperationalError as exc:
        log.warning("source '%s': run not logged: %s", gathered.source_id, database_problem(exc))
    return result


def _fetch_options(settings: Settings, workers: int) -> FetchOptions:
    """The fetch limits, shared out among the worker processes so per-host limits still hold."""
    return FetchOptions.from_config(settings.fetch, share=workers)


def _lookup(store: Store):
    """Stored validators of a URL, as the fetcher's cache reads them."""

    def lookup(url: str) -> Validators | None:
        saved = store.get_validators(url)
        return Validators(etag=saved[0], last_modified=saved[1]) if saved else None

    return lookup


def _worker(job: Job, src: SourceConfig, conn: Connection, parent: int) -> None:
    """In a worker process: gather one source, sending progress counts, then the result."""
    end_with_parent(parent)
    # A forked worker must not write through the parent's console (its lock may have been held
    # at the fork): it logs to stderr through a handler of its own.
    root = logging.getLogger()
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(message)s"))
    root.handlers = [plain]
    store = Store(job.settings.database_url, migrate_schema=False)
    try:
        with Gatherer(job, _lookup(store)) as gatherer:
            gathered = gatherer.gather(src, lambda _sid, done: conn.send(("progress", done)))
    finally:
        store.close()
    conn.send(("done", gathered))
    conn.close()


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
