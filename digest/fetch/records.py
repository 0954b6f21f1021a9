"""The fetcher's records: options, results, errors and the validator cache for conditional GET."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from digest.settings.parts import FetchConfig


@dataclass(frozen=True)
class Validators:
    """What a server said about a response's version: sent back on the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


class ValidatorCache(Protocol):
    """Where validators live between runs, keyed by URL (the store implements it)."""

    def get(self, url: str) -> Validators | None:
        """The validators saved for `url`, if any."""
        ...

    def put(self, url: str, validators: Validators) -> None:
        """Save the validators of the latest full response for `url`."""
        ...


class MemoryValidatorCache:
    """A ValidatorCache kept in a dict: for tests and one-off runs."""

    def __init__(self) -> None:
        """Start empty."""
        self._data: dict[str, Validators] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> Validators | None:
        """The validators saved for `url`, if any."""
        with self._lock:
            return self._data.get(url)

    def put(self, url: str, validators: Validators) -> None:
        """Save the validators for `url`."""
        with self._lock:
            self._data[url] = validators


@dataclass(frozen=True)
class FetchOptions:
    """The fetcher's limits: concurrency, timeouts, retries, redirects and size."""

    timeout: float = 20.0  # seconds for connecting and for each read
    deadline: float = 60.0  # seconds for a whole response, however slowly it comes
    retries: int = 3  # extra attempts after a timeout, a network error, a 5xx or a 429
    backoff: float = 1.0  # first wait; doubled on each retry
    max_wait: float = 60.0  # cap on any one wait, Retry-After included
    max_redirects: int = 5
    max_bytes: int = 10_000_000  # decoded body size cap
    per_host: int = 2
    total: int = 8
    robots: bool = True  # obey robots.txt for pages (feeds are fetched regardless)

    @classmethod
    def from_config(cls, config: FetchConfig, share: int = 1) -> FetchOptions:
        """The limits of the `fetch:` settings, the per-host and total ones split `share` ways
        (one part for each worker process). The per-source budget is the parent's, not these."""
        options = config.model_dump(exclude={"source_budget"})
        options["per_host"] = max(1, options["per_host"] // max(1, share))
        options["total"] = max(1, options["total"] // max(1, share))
        return cls(**options)


@dataclass(frozen=True)
class FetchResult:
    """One fetched URL: final address, status, decoded text, or a not-modified marker."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str  # media type without parameters, lower case
    text: str
    encoding: str | None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False


def conditional_headers(saved: Validators | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since headers from saved validators."""
    headers: dict[str, str] = {}
    if saved and saved.etag:
        headers["If-None-Match"] = saved.etag
    if saved and saved.last_modified:
        headers["If-Modified-Since"] = saved.last_modified
    return headers


def retry_after(headers: Mapping[str, str], default: float, cap: float) -> float:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), capped; else default."""
    value = (headers.get("retry-after") or "").strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return min(max(when.timestamp() - time.time(), 0.0), cap)


def unknown_host(exc: Exception) -> bool:
    """Whether a transport error is a name that does not exist (not a passing DNS failure)."""
    permanent = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror) and seen.errno in permanent:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
