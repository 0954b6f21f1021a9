"""Ingest speed on loopback: feeds with article pages, fetched by the rss adapter, twice.

Run: .venv/bin/python bench/ingest.py [--feeds 200] [--items 25] [--hosts 8]
Serves `feeds` RSS feeds of `items` teaser entries each, spread over `hosts` loopback addresses
(127.0.0.1, 127.0.0.2, ...) so per-host limits act as on the real web. Every entry's page is
fetched. The servers run in a child process. Prints the rate of fetching alone, of extraction
alone on the same pages (the ceiling for ingest on one process), of the full ingest through
run.collect (fetch, extract, store in SQLite), its ratio to extraction alone, and the time of a
second run in which nothing changed (conditional GET answers 304; stored URLs are not fetched).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.fetch.client import Fetcher, FetchOptions, MemoryValidatorCache  # noqa: E402
from digest.models import Document  # noqa: E402
from digest.settings.schema import SourceConfig  # noqa: E402
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


def serve_in_child(hosts: int, items: int, ready: multiprocessing.Queue) -> None:
    """Run the servers in their own process (so they do not share our GIL) until killed."""
    Handler.items = items
    servers = start_servers(hosts)
    ready.put([s.server_address for s in servers])
    threading.Event().wait()


def run_once(sources: list[SourceConfig], fetcher: Fetcher, stored: set[str]) -> list[Document]:
    """Collect every source once with the adapter alone, remembering the URLs as the store would."""
    ctx = SourceContext(ROOT, datetime.now(UTC), fetcher, seen=stored.__contains__)
    docs = []
    for source in sources:
        for doc in RssSource().documents(source, ctx):
            docs.append(doc)
            stored.add(doc.meta.get("canonical_url") or doc.url)
    return docs


def config_text(addresses: list, feeds: int, folder: Path) -> str:
    """A configuration with `feeds` rss sources spread over the servers, storing in `folder`."""
    head = (ROOT / "sources.yaml").read_text(encoding="utf-8")
    head = head[: head.index("sources:")]
    head = head.replace("database: sqlite:///digest.db", f"database: sqlite:///{folder}/b.db")
    lines = [head, "fetch: {timeout: 10, retries: 1, robots: false}\nsources:\n"]
    for n in range(feeds):
        host, port = addresses[n % len(addresses)]
        lines.append(f"  - {{id: feed-{n}, kind: rss, location: 'http://{host}:{port}/feed/{n}.xml',"
                     f" name: Feed {n}}}\n")  # fmt: skip
    return "".join(lines)


def main() -> None:
    """Serve from a child process; time extraction alone, a full ingest, and a re-run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--hosts", type=int, default=8)
    args = parser.parse_args()
    ready: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(
        target=serve_in_child, args=(args.hosts, args.items, ready), daemon=True
    )
    child.start()
    addresses = ready.get(timeout=30)
    try:
        with tempfile.TemporaryDirectory() as folder:
            report(args, addresses, Path(folder))
    finally:
        child.kill()


def report(args: argparse.Namespace, addresses: list, folder: Path) -> None:
    """The three measurements, printed."""
    from digest import pipeline as run
    from digest.ingest.items import to_items
    from digest.settings.loading import parse_settings

    settings = parse_settings(config_text(addresses, args.feeds, folder), folder / "c.yaml")
    options = FetchOptions(timeout=10, retries=1, robots=False)
    with Fetcher("digest-bench/1.0", options, MemoryValidatorCache()) as fetcher:
        start = time.perf_counter()
        docs = run_once(list(settings.sources), fetcher, set())
        fetch_only = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        to_items(doc, settings)
    extract_only = time.perf_counter() - start
    store = run.open_store(settings)
    cpu = time.process_time()
    start = time.perf_counter()
    first = run.collect(settings, store)
    ingest = time.perf_counter() - start
    cpu = time.process_time() - cpu
    start = time.perf_counter()
    second = run.collect(settings, store)
    rerun = time.perf_counter() - start
    n = len(docs)
    stored = sum(r.new for r in first)
    extract_rate, ingest_rate = n / extract_only, stored / ingest
    print(f"pages: {n} ({args.feeds} feeds x {args.items} items, {args.hosts} loopback hosts)")
    print(f"fetch + adapter alone: {fetch_only:.2f}s = {n / fetch_only:.0f} items/s")
    print(f"extraction alone (extract + hash, one process): {extract_only:.2f}s = "
          f"{extract_rate:.0f} items/s")  # fmt: skip
    ratio = ingest_rate / extract_rate
    print(f"full ingest (fetch, extract, store): {stored} items in {ingest:.2f}s = "
          f"{ingest_rate:.0f} items/s = {ratio:.0%} of the extraction rate")  # fmt: skip
    print(f"extraction time as a share of ingest time: {extract_only / ingest:.0%} "
          f"(over 100%: the worker processes extract in parallel)")  # fmt: skip
    print(f"CPU of the coordinating process (storing; sources run in workers): {cpu:.2f}s")
    print(f"re-run with nothing new: {sum(r.new for r in second)} new in {rerun:.3f}s = "
          f"{ingest / rerun:.0f}x faster than the first run")  # fmt: skip


if __name__ == "__main__":
    main()
