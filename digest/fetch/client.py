"""The HTTP client below every adapter: limits, retries, redirects, caps, conditional GET."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin
from urllib.request import getproxies

import httpx

from digest.errors import BinaryContentError, FetchError
from digest.fetch.charset import decode, is_text_type, media_type
from digest.fetch.guard import AddressGuard
from digest.fetch.records import (
    FetchOptions,
    FetchResult,
    MemoryValidatorCache,
    ValidatorCache,
    Validators,
    conditional_headers,
    retry_after,
    unknown_host,
)
from digest.fetch.robots import RobotsPolicy
from digest.fetch.urls import host_of

__all__ = [
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "Fetcher",
    "MemoryValidatorCache",
    "ValidatorCache",
    "Validators",
]
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class _Raw:
    """A response before decoding."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


class Fetcher:
    """A thread-safe HTTP client shared by all adapters of one run."""

    def __init__(
        self,
        user_agent: str,
        options: FetchOptions | None = None,
        cache: ValidatorCache | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Build the client; `transport` and `sleep` are seams for tests."""
        self.options = options or FetchOptions()
        self.cache = cache
        self._sleep = sleep
        limits = httpx.Limits(max_connections=self.options.total)
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=self.options.timeout,
            follow_redirects=False,
            limits=limits,
            transport=transport,
        )
        self._total = threading.BoundedSemaphore(self.options.total)
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._guard = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._robots = RobotsPolicy(self._load_robots, user_agent)
        # Internal addresses: refused except at the origins the caller allows (allow_only).
        self.guard = AddressGuard()
        # Through a proxy the connected address is the proxy's: only names are checked then.
        self._peer_check = not getproxies()

    def get(self, url: str, *, feed: bool = False, conditional: bool = False) -> FetchResult:
        """Fetch one URL as text; `feed` skips robots.txt, `conditional` uses the cache."""
        self.guard.check_url(url, url)  # before robots.txt: an internal host is not asked at all
        if not feed:
            self._check_robots(url, url)
        saved = self.cache.get(url) if conditional and self.cache else None
        raw = self._with_retries(url, conditional_headers(saved), check_robots=not feed)
        _check_status(url, raw, self.options.retries + 1)
        if raw.status == 304:
            if saved is None:
                raise FetchError(url, "HTTP 304 to a request that was not conditional")
            return FetchResult(url, raw.url, 304, "", "", None, not_modified=True)
        try:
            text, encoding = decode(raw.body, raw.headers.get("content-type"))
        except BinaryContentError as exc:
            raise FetchError(url, str(exc)) from None
        if conditional and self.cache:
            self._remember(self.cache, url, raw.headers)
        ctype = media_type(raw.headers.get("content-type"))
        return FetchResult(
            url, raw.url, raw.status, ctype, text, encoding, raw.body, dict(raw.headers)
        )

    def get_many(
        self, urls: Iterable[str], *, feed: bool = False, conditional: bool = False
    ) -> Iterator[tuple[str, FetchResult | FetchError]]:
        """Fetch URLs concurrently; yield (url, result or error) in the order given."""
        urls = list(urls)
        pool = self._executor()
        futures = [pool.submit(self._get_or_error, u, feed, conditional) for u in urls]
        try:
            for url, future in zip(urls, futures, strict=True):
                yield url, future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the worker threads and close connections."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    def __enter__(self) -> Fetcher:
        """Use as a context manager that closes the client."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on leaving the block."""
        self.close()

    def _get_or_error(self, url: str, feed: bool, conditional: bool) -> FetchResult | FetchError:
        """get(), with its FetchError returned instead of raised (for get_many)."""
        try:
            return self.get(url, feed=feed, conditional=conditional)
        except FetchError as exc:
            return exc

    def _executor(self) -> ThreadPoolExecutor:
        """The worker pool, created on first use and sized by the global limit."""
        with self._guard:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.options.total, thread_name_prefix="fetch")
            return self._pool

    def _with_retries(self, url: str, headers: dict[str, str], check_robots: bool) -> _Raw:
        """Follow redirects, retrying timeouts, network errors, 5xx and 429 with backoff.

        Returns the last response (even a 5xx); raises FetchError when no response came.
        """
        attempts = self.options.retries + 1
        raw: _Raw | None = None  # the last response, None when the last attempt got none
        problem = ""
        for attempt in range(attempts):
            wait = min(self.options.backoff * 2**attempt, self.options.max_wait)
            try:
                response = self._follow(url, headers, check_robots)
            except httpx.TimeoutException:
                raw, problem = None, f"timed out after {self.options.timeout:g}s"
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise FetchError(url, f"unsupported URL ({exc})") from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if unknown_host(exc):  # a name that does not resolve will not resolve in a second
                    raise FetchError(url, f"unknown host ({exc})") from None
                raw, problem = None, f"network error ({type(exc).__name__}: {exc})"
            else:
                if response.status != 429 and response.status < 500:
                    return response
                raw = response
                wait = retry_after(response.headers, wait, self.options.max_wait)
            if attempt + 1 < attempts:
                self._sleep(wait)
        if raw is not None:
            return raw
        raise FetchError(url, f"{problem} (gave up after {attempts} attempts)")

    def _follow(self, url: str, headers: dict[str, str], check_robots: bool) -> _Raw:
        """Request `url`, following up to max_redirects redirects; a loop is an error."""
        chain = [url]
        current = url
        for _ in range(self.options.max_redirects + 1):
            raw = self._request(current, headers)
            location = raw.headers.get("location")
            if raw.status not in REDIRECTS or not location:
                return raw
            current = urljoin(current, location)
            if current in chain:
                raise FetchError(url, "redirect loop: " + " -> ".join([*chain, current]))
            chain.append(current)
            self.guard.check_url(current, url)  # every hop: a redirect may point inside
            if check_robots:
                self._check_robots(url, current)
        raise FetchError(url, f"more than {self.options.max_redirects} redirects")

    def _request(self, url: str, headers: dict[str, str]) -> _Raw:
        """One GET under the per-host and global limits, the body read up to the size cap.

        The URL's host must not reach an internal address (unless allowed), checked by name
        before and by the connected address after connecting; the whole response must come
        within the deadline, however slowly the server sends it.
        """
        self.guard.check_url(url, url)
        watch = _Watch(self.guard if self._peer_check else None, url, self.options.deadline)
        try:
            with self._host_slot(url), self._total:
                with self._client.stream(
                    "GET", url, headers=headers, extensions={"trace": watch.trace}
                ) as response:
                    if not 200 <= response.status_code < 300:
                        return _Raw(url, response.status_code, response.headers, b"")
                    _check_type(url, response.headers)
                    body = self._read_capped(url, response, watch)
                    return _Raw(url, response.status_code, response.headers, body)
        except httpx.HTTPError:
            if watch.expired:
                raise FetchError(url, watch.reason()) from None
            raise
        finally:
            watch.cancel()

    def _read_capped(self, url: str, response: httpx.Response, watch: _Watch) -> bytes:
        """The body, read in chunks and abandoned as soon as it passes max_bytes or the deadline."""
        cap = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(url, f"body too large ({declared} bytes declared, cap {cap})")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > cap:
                raise FetchError(url, f"body too large (over the {cap}-byte cap)")
            if watch.late():
                raise FetchError(url, watch.reason())
        return bytes(body)

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        """The semaphore that limits concurrent requests to the URL's host."""
        host = host_of(url)
        with self._guard:
            if host not in self._hosts:
                self._hosts[host] = threading.BoundedSemaphore(self.options.per_host)
            return self._hosts[host]

    def _check_robots(self, url: str, target: str) -> None:
        """Raise FetchError when robots.txt forbids fetching `target`."""
        if not self.options.robots:
            return
        refusal = self._robots.refusal(target)
        if refusal:
            raise FetchError(url, refusal)

    def _load_robots(self, robots_url: str) -> tuple[int, str]:
        """Fetch a robots.txt for RobotsPolicy: (status, text); errors after retries raise."""
        raw = self._with_retries(robots_url, {}, check_robots=False)
        if raw.status >= 300:
            return raw.status, ""
        return raw.status, raw.body.decode("utf-8", errors="replace")

    def _remember(self, cache: ValidatorCache, url: str, headers: httpx.Headers) -> None:
        """Save a response's ETag / Last-Modified in `cache` for the next conditional GET."""
        validators = Validators(headers.get("etag"), headers.get("last-modified"))
        if validators.etag or validators.last_modified:
            cache.put(url, validators)


class _Watch:
    """One request's watch: the connected address checked, the socket cut at the deadline."""

    def __init__(self, guard: AddressGuard | None, url: str, deadline: float) -> None:
        """Start the deadline clock for a request to `url` (`guard` None: no peer check)."""
        self.guard, self.url, self.deadline = guard, url, deadline
        self.ends = time.monotonic() + deadline
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, name: str, info: dict) -> None:
        """httpcore's trace hook: on a new connection, check the peer and note the socket."""
        if name != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        if stream is None:
            return
        peer = stream.get_extra_info("server_addr")
        try:
            if self.guard is not None:
                self.guard.check_peer(self.url, self.url, str(peer[0]) if peer else None)
        except FetchError:
            stream.close()
            raise
        with self._lock:
            self._sock = stream.get_extra_info("socket")
            if self.expired:
                self._cut()

    def late(self) -> bool:
        """Whether the deadline has passed (checked between body chunks)."""
        if time.monotonic() >= self.ends:
            self.expired = True
        return self.expired

    def reason(self) -> str:
        """The one-line reason the response was abandoned."""
        return f"no complete response within {self.deadline:g}s (fetch.deadline)"

    def cancel(self) -> None:
        """Stop the clock: the request is over."""
        self._timer.cancel()

    def _expire(self) -> None:
        """At the deadline: cut the connection, so a read blocked on a trickle returns."""
        with self._lock:
            self.expired = True
            self._cut()

    def _cut(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed


def _check_status(url: str, raw: _Raw, attempts: int) -> None:
    """Raise a FetchError naming the status unless the response is 2xx or 304."""
    if 200 <= raw.status < 300 or raw.status == 304:
        return
    if raw.status in REDIRECTS:
        raise FetchError(url, f"HTTP {raw.status} redirect without a Location header")
    if raw.status == 429 or raw.status >= 500:
        raise FetchError(url, f"HTTP {raw.status} (gave up after {attempts} attempts)")
    raise FetchError(url, f"HTTP {raw.status}")


def _check_type(url: str, headers: httpx.Headers) -> None:
    """Refuse a body whose Content-Type says it is not text, before reading it."""
    ctype = headers.get("content-type")
    if not is_text_type(ctype):
        raise FetchError(url, f"binary content ({media_type(ctype)}), not a page or feed")
