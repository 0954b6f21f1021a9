"""Gathering one source: its adapter's documents turned into items, in whatever process runs it.

A network ingest runs each source in a worker process (fetching and extraction are CPU-bound
Python; one process would hold them to one core); a run of local files gathers in-process.
Nothing here writes to the store: the caller stores what a source gathered, in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from digest.errors import DigestError, SourceError
from digest.fetch.client import Fetcher
from digest.fetch.records import FetchOptions, Validators
from digest.ingest.items import to_items
from digest.models import Item
from digest.settings.schema import Settings, SourceConfig
from digest.sources import SOURCES
from digest.sources.base import SourceContext

Lookup = Callable[[str], Validators | None]


@dataclass
class Gathered:
    """What one source gave: its items, the documents that failed, or the whole source's error."""

    source_id: str
    items: list[Item] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file or URL, reason)
    error: str | None = None
    validators: dict[str, Validators] = field(default_factory=dict)  # to keep if it succeeded
    documents: int = 0


class HeldValidators:
    """A ValidatorCache that reads stored validators and holds new ones for the caller to keep."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.new: dict[str, Validators] = {}

    def get(self, url: str) -> Validators | None:
        """The newest validators known for a URL."""
        return self.new.get(url) or self.lookup(url)

    def put(self, url: str, validators: Validators) -> None:
        """Hold a URL's new validators until the source's items are stored."""
        self.new[url] = validators


@dataclass(frozen=True)
class Job:
    """Everything a source needs to be gathered, in this process or another."""

    settings: Settings
    known: Collection[str]  # canonical URLs already stored: not fetched again
    now: datetime
    since: datetime | None
    options: FetchOptions


class Gatherer:
    """Gathers sources one after another with one fetcher (it is costly to make one per source)."""

    def __init__(self, job: Job, lookup: Lookup) -> None:
        self.job = job
        self.held = HeldValidators(lookup)
        self.fetcher = Fetcher(job.settings.user_agent, job.options, cache=self.held)

    def close(self) -> None:
        """Close the fetcher's connections."""
        self.fetcher.close()

    def __enter__(self) -> Gatherer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def gather(self, src: SourceConfig, on_doc=None) -> Gathered:
        """One source's documents as items, with the validators it fetched."""
        self.held.new = {}
        self.fetcher.guard.allow_only(own_locations(src))
        out = gather(src, self.job, self.fetcher, on_doc)
        out.validators = self.held.new
        return out


def own_locations(src: SourceConfig) -> list[str]:
    """The URLs a source is configured at (its location, and URL options such as base_url).

    Only their origins may be on an internal address: a link found in what they serve may not.
    """
    values = [src.location, *(v for v in src.options.values() if isinstance(v, str))]
    return [v for v in values if v.strip().lower().startswith(("http://", "https://"))]


def gather(
    src: SourceConfig,
    job: Job,
    fetcher: Fetcher,
    on_doc: Callable[[str, int], None] | None = None,
) -> Gathered:
    """Run one source's adapter and extraction; every failure is recorded, none is raised."""
    out = Gathered(src.id)
    ctx = SourceContext(
        base_dir=job.settings.base_dir,
        now=job.now,
        fetcher=fetcher,
        since=job.since,
        user_agent=job.settings.user_agent,
        seen=job.known.__contains__,
        failed=lambda where, reason: out.failures.append((where, reason)),
    )
    try:
        for doc in SOURCES[src.kind]().documents(src, ctx):
            out.documents += 1
            try:
                out.items += to_items(doc, job.settings)
            except DigestError as exc:
                out.failures.append((doc.path or doc.url or "?", str(exc)))
            if on_doc:
                on_doc(src.id, out.documents)
    except SourceError as exc:
        out.error = exc.reason
    except DigestError as exc:
        out.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one broken source must never stop the others
        out.error = f"unexpected {type(exc).__name__}: {exc}"
    return out
