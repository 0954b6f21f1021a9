"""Ingest speed on loopback: feeds with article pages, fetched by the rss adapter, twice.

Run: .venv/bin/python bench/ingest.py [--feeds 200] [--items 25] [--hosts 8]
Serves `feeds` RSS feeds of `items` teaser entries each, spread over `hosts` loopback addresses
(127.0.0.1, 127.0.0.2, ...) so per-host limits act as on the real web. Every entry's page is
fetched. Prints items/second of the first run (fetch + adapter), the time of a second run in
which nothing changed (conditional GET answers 304; stored URLs are not fetched) and the
speed-up, then the share of time extraction adds on top of fetching for the same documents.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.config import SourceConfig  # noqa: E402
from digest.fetch import Fetcher, FetchOptions, MemoryValidatorCache  # noqa: E402
from digest.models import Document  # noqa: E402
from digest.sources.base import SourceContext  # noqa: E402
from digest.sources.rss import RssSource  # noqa: E402

PARAGRAPH = (
    "<p>Officials in Minsk announced new measures on {n}, and observers in Vilnius and Warsaw "
    "said the decision would affect trade across the Belarusian border for months.</p>"
)


def feed_xml(base: str, feed: int, items: int) -> bytes:
    """An RSS feed of teaser entries pointing at pages on the same host."""
    entries = "".join(
        f"<item><title>Story {feed}-{k}</title><link>{base}/a/{feed}/{k}</link>"
        f"<pubDate>Wed, 15 Jan 2025 {k % 24:02d}:00:00 GMT</pubDate>"
        f"<description>A short teaser for story {k}…</description></item>"
        for k in range(items)
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
    return f"{head}{entries}</channel></rss>".encode()


def article_html(path: str) -> bytes:
    """An article page of about 3 KB."""
    body = "".join(PARAGRAPH.format(n=f"{path} #{i}") for i in range(12))
    page = f"<html><head><title>{path}</title></head><body><article>{body}</article></body></html>"
    return page.encode()


class Handler(BaseHTTPRequestHandler):
    """Serves /feed/<n>.xml (with an ETag), /a/<feed>/<k> pages, and no robots.txt."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms ACK stalls
    items = 25

    def do_GET(self) -> None:  # noqa: N802 (the http.server spelling)
        """Answer one GET."""
        if self.path.startswith("/feed/"):
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, b"", "application/rss+xml")
            feed = int(self.path.split("/")[2].split(".")[0])
            base = f"http://{self.headers['Host']}"
            return self._send(200, feed_xml(base, feed, self.items), "application/rss+xml")
        if self.path.startswith("/a/"):
            return self._send(200, article_html(self.path), "text/html; charset=utf-8")
        return self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        """Write a response with a length, so connections are kept alive."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if status == 200 and self.path.startswith("/feed/"):
            self.send_header("ETag", '"v1"')
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Stay quiet."""


class QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print the resets of clients closing idle connections."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore a connection error of one client."""


def start_servers(hosts: int) -> list[ThreadingHTTPServer]:
    """One threaded server per loopback address 127.0.0.1 ... 127.0.0.<hosts>."""
    servers = []
    for n in range(1, hosts + 1):
        server = QuietServer((f"127.0.0.{n}", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def run_once(sources: list[SourceConfig], fetcher: Fetcher, stored: set[str]) -> list[Document]:
    """Collect every source once, remembering the URLs as the store would."""
    ctx = SourceContext(ROOT, datetime.now(UTC), fetcher, seen=stored.__contains__)
    docs = []
    for source in sources:
        for doc in RssSource().documents(source, ctx):
            docs.append(doc)
            stored.add(doc.meta.get("canonical_url") or doc.url)
    return docs


def extraction_seconds(docs: list[Document]) -> float | None:
    """Time digest.extract.extract over the documents, or None if it is not importable."""
    try:
        from digest.extract import extract
    except ImportError:
        return None
    start = time.perf_counter()
    for doc in docs:
        extract(doc)
    return time.perf_counter() - start


def main() -> None:
    """Serve, collect twice, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--hosts", type=int, default=8)
    args = parser.parse_args()
    Handler.items = args.items
    servers = start_servers(args.hosts)
    sources = [
        SourceConfig(
            id=f"feed-{n}",
            kind="rss",
            location=f"http://{servers[n % len(servers)].server_address[0]}:"
            f"{servers[n % len(servers)].server_address[1]}/feed/{n}.xml",
            name=f"Feed {n}",
        )
        for n in range(args.feeds)
    ]
    stored: set[str] = set()
    options = FetchOptions(timeout=10, retries=1)
    with Fetcher("digest-bench/1.0", options, MemoryValidatorCache()) as fetcher:
        start = time.perf_counter()
        docs = run_once(sources, fetcher, stored)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = run_once(sources, fetcher, stored)
        second = time.perf_counter() - start
    for server in servers:
        server.shutdown()
    expected = args.feeds * args.items
    print(
        f"first run: {len(docs)}/{expected} items in {first:.2f}s = {len(docs) / first:.0f} items/s"
    )
    print(f"second run (nothing new): {len(again)} items in {second:.3f}s")
    print(f"speed-up of the second run: {first / second:.0f}x")
    extracting = extraction_seconds(docs)
    if extracting is None:
        print("extraction share: TODO (digest.extract not importable)")
    else:
        share = extracting / (first + extracting)
        print(f"extraction of the same documents: {extracting:.2f}s = {share:.0%} of fetch+extract")


if __name__ == "__main__":
    main()
