"""Faults on the fetch and ingest side (issue 15, part A), each reproduced on real parts:
internal addresses, single-block texts, slow servers, orphaned workers, IPv6 literals, charsets,
a locked database and a file without a suffix. Loopback only; every wait is bounded."""

from __future__ import annotations

import codecs
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest import pipeline as run
from digest.errors import FetchError
from digest.fetch.client import Fetcher, FetchOptions
from digest.settings.loading import parse_settings
from tests.conftest import config_text, process_alive
from tests.test_collect import rss, serve_feed

SECRET = "secret token 12345"
FAST = "fetch: {timeout: 2, retries: 0, backoff: 0, robots: false%s}\n"
WEEK = "2025-W03"


def settings_for(tmp_path: Path, sources: str, fetch_extra: str = ""):
    """The test configuration with these sources and fast fetch options."""
    text = config_text(tmp_path) + sources + FAST % fetch_extra
    return parse_settings(text, tmp_path / "sources.yaml")


def stored_texts(store) -> str:
    """Every stored item's URL, title and text, as one string to search."""
    return "\n".join(f"{i.url} {i.title} {i.text}" for i in store.all_items())


def prose(topic: str, n: int = 156) -> str:
    """About `n` words of varied report-like prose on a topic (no two sentences alike)."""
    places = ["Hrodna", "Brest", "Viciebsk", "Homiel", "Mahiliou", "Minsk", "Pinsk", "Lida"]
    acts = ["reported", "announced", "confirmed", "described", "disclosed", "recorded"]
    things = ["queues", "inspections", "tariffs", "detentions", "repairs", "closures"]
    words: list[str] = []
    k = 0
    while len(words) < n:
        p, a, t = places[k % 8], acts[k % 6], things[(k * 5) % 6]
        words += f"Officials in {p} {a} new {t} linked to {topic} on day {k + 2}.".split()
        k += 1
    return " ".join(words[:n]).rstrip(".") + "."


def pub(hour: int) -> str:
    """An RSS pubDate on Wednesday 15 January 2025 (week 2025-W03) at this hour."""
    return f"<pubDate>Wed, 15 Jan 2025 {hour}:00:00 GMT</pubDate>"


# -- 1. internal addresses --------------------------------------------------------------------


@pytest.fixture
def internal():
    """A second loopback server on another port: the 'internal' service with a secret page."""
    other = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    other.expect_request("/admin").respond_with_data(
        f"<html><body><article><h1>Admin</h1><p>{SECRET}. {prose('admin')}</p></article>"
        "</body></html>",
        content_type="text/html",
    )
    other.start()
    yield other
    other.stop()


def test_internal_addresses_are_refused_but_the_source_origin_is_allowed(
    tmp_path, server: HTTPServer, internal: HTTPServer, capfd
):
    port = internal.port
    here = server.url_for("/").rstrip("/")
    page = f"<html><body><article><h1>Good</h1><p>{prose('the border')}</p></article></body></html>"
    server.expect_request("/good.html").respond_with_data(page, content_type="text/html")
    server.expect_request("/admin").respond_with_data(f"<p>{SECRET}</p>" * 50)
    target = f"http://127.0.0.1:{port}/admin"
    server.expect_request("/jump").respond_with_data("", status=302, headers={"Location": target})
    forbidden = [
        f"http://127.0.0.1:{port}/admin",  # another local port
        f"http://localhost:{port}/admin",
        f"http://localhost:{server.port}/admin",  # an alias of the source's own host
        f"http://0x7f000001:{port}/admin",
        f"http://2130706433:{port}/admin",
        f"http://0177.0.0.1:{port}/admin",
        f"http://127.1:{port}/admin",
        f"http://user:pass@127.0.0.1:{port}/admin",
        f"http://[::1]:{port}/admin",
        f"http://[::ffff:127.0.0.1]:{port}/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/admin",
        "http://192.168.0.1/admin",
        "http://172.16.5.4/admin",
        "http://0.0.0.0/admin",
        f"{here}/jump",  # the allowed origin redirecting to a forbidden one
    ]
    links = [f"{here}/good.html", *forbidden]
    items = "".join(
        f"<item><title>Entry {n}</title><link>{link}</link><guid>g{n}</guid>"
        f"<pubDate>Wed, 15 Jan 2025 10:{n:02d}:00 GMT</pubDate>"
        "<description>A teaser [&#8230;]</description></item>"
        for n, link in enumerate(links)
    )
    feed = f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    server.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    settings = settings_for(tmp_path, rss("wire", server.url_for("/feed.xml")))
    store = run.open_store(settings)
    [result] = run.collect(settings, store, ["wire"])
    assert result.error is None and result.new == 1
    texts = stored_texts(store)
    assert SECRET not in texts and "the border" in texts
    assert internal.log == []  # the internal service was never even asked
    assert not any(req.path == "/admin" for req, _ in server.log)
    refused = [x for x in capfd.readouterr().err.splitlines() if "refused" in x]
    assert len(refused) == len(forbidden)
    assert all(line.startswith("source wire: skipped article") for line in refused)
    run.build(settings, store, run.parse_week(WEEK), ["json"], allow_empty=True)
    built = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.json"))
    assert built and SECRET not in built


def test_a_source_configured_on_an_internal_address_still_works(tmp_path, internal: HTTPServer):
    settings = settings_for(
        tmp_path,
        f"  - {{id: intranet, kind: web, location: '{internal.url_for('/admin')}', "
        "name: Intranet, options: {single: true}}\n",
    )
    store = run.open_store(settings)
    [result] = run.collect(settings, store, ["intranet"])
    assert result.error is None and result.new == 1  # the operator chose this address


# -- 2. single-block texts --------------------------------------------------------------------


def test_single_block_feed_entries_and_short_posts_are_stored(tmp_path, server: HTTPServer):
    here = server.url_for("/").rstrip("/")
    page = f"<html><body><article><h1>Page</h1><p>{prose('the page')}</p></article></body></html>"
    server.expect_request("/full.html").respond_with_data(page, content_type="text/html")
    rss_feed = f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>R</title>
<item><title>One paragraph</title><link>{here}/a1</link>{pub(10)}
<content:encoded><![CDATA[<p>{prose("one paragraph")}</p>]]></content:encoded></item>
<item><title>Plain text</title><link>{here}/a2</link>{pub(11)}
<description>{prose("plain description")}</description></item>
<item><title>Div and p</title><link>{here}/a3</link>{pub(12)}
<description><![CDATA[<div><p>{prose("div wrapper")}</p></div>]]></description></item>
<item><title>Teaser</title><link>{here}/full.html</link>{pub(13)}
<description>Only the start of it [&#8230;]</description></item>
</channel></rss>"""
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<updated>2025-01-15T00:00:00Z</updated>
<entry><title>Atom html</title><id>urn:1</id><link href="{here}/b1"/>
<updated>2025-01-15T10:00:00Z</updated>
<content type="html">&lt;p&gt;{prose("atom html block")}&lt;/p&gt;</content></entry>
<entry><title>Atom text</title><id>urn:2</id><link href="{here}/b2"/>
<updated>2025-01-15T11:00:00Z</updated>
<content type="text">{prose("atom plain text")}</content></entry>
</feed>"""
    server.expect_request("/r.xml").respond_with_data(rss_feed, content_type="application/rss+xml")
    server.expect_request("/a.xml").respond_with_data(atom, content_type="application/atom+xml")
    posts = "".join(
        f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" '
        f'data-post="chan/{n}"><div class="tgme_widget_message_text js-message_text">{text}</div>'
        f'<a class="tgme_widget_message_date"><time datetime="2025-01-15T0{n}:00:00+00:00">'
        "</time></a></div></div>"
        for n, text in enumerate(
            [
                "Minsk: the metro closes two hours early on Friday for repairs.",
                "Брест: на границе с Польшей снова выросли очереди грузовиков.",
                prose("a longer post", 60),
            ],
            start=1,
        )
    )
    preview = f'<html><body><section class="tgme_channel_history">{posts}</section></body></html>'
    server.expect_request("/s/chan").respond_with_data(preview, content_type="text/html")
    sources = (
        rss("rsswire", server.url_for("/r.xml"))
        + rss("atomwire", server.url_for("/a.xml"))
        + f"  - {{id: chan, kind: telegram, location: chan, name: Chan, "
        f"options: {{base_url: '{here}', max_pages: 1}}}}\n"
    )
    settings = settings_for(tmp_path, sources)
    store = run.open_store(settings)
    ids = ["rsswire", "atomwire", "chan"]
    results = {r.source_id: r for r in run.collect(settings, store, ids)}
    assert {k: (r.new, r.failed, r.error) for k, r in results.items()} == {
        "rsswire": (4, 0, None),
        "atomwire": (2, 0, None),
        "chan": (3, 0, None),
    }
    texts = stored_texts(store)
    for topic in ["one paragraph", "plain description", "div wrapper", "the page"]:
        assert topic in texts
    assert "atom html block" in texts and "atom plain text" in texts
    assert "metro closes" in texts and "очереди грузовиков" in texts
    teaser = next(i for i in store.all_items() if i.url.endswith("/full.html"))
    assert "the page" in teaser.text  # a teaser still has its page fetched


# -- 3. deadlines -----------------------------------------------------------------------------


class Trickle:
    """A raw loopback HTTP server that sends its answer one byte at a time (bounded in time)."""

    def __init__(self, slow_head: bool = False, every: float = 0.2, limit: float = 60.0) -> None:
        self.slow_head, self.every, self.limit = slow_head, every, limit
        self.stop = threading.Event()
        self.connected = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def url(self, path: str = "/feed.xml") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        self.sock.close()

    def _accept(self) -> None:
        ends = time.monotonic() + self.limit
        while not self.stop.is_set() and time.monotonic() < ends:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            t = threading.Thread(target=self._serve, args=(conn, ends), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket, ends: float) -> None:
        with conn:
            conn.settimeout(5)
            try:
                while b"\r\n\r\n" not in conn.recv(4096):
                    pass
            except OSError:
                return
            self.connected.set()
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            head += b"Content-Length: 100000\r\n\r\n"
            body = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b" " * 99_000
            if not self.slow_head:
                conn.sendall(head)
            data = (head if self.slow_head else b"") + body
            for i in range(len(data)):
                if self.stop.wait(self.every) or time.monotonic() > ends:
                    return
                try:
                    conn.sendall(data[i : i + 1])
                except OSError:
                    return


@pytest.fixture
def trickle():
    made: list[Trickle] = []

    def make(**kw) -> Trickle:
        made.append(Trickle(**kw))
        return made[-1]

    yield make
    for t in made:
        t.close()


@pytest.mark.parametrize("slow_head", [False, True])
def test_a_trickling_response_is_cut_at_the_deadline(trickle, slow_head: bool):
    slow = trickle(slow_head=slow_head)
    options = FetchOptions(timeout=2, deadline=1.0, retries=2, backoff=0)
    with Fetcher("digest-test", options, sleep=lambda _: None) as fetcher:
        fetcher.guard.allow_only([slow.url()])
        began = time.monotonic()
        with pytest.raises(FetchError, match=r"no complete response within 1s \(fetch.deadline\)"):
            fetcher.get(slow.url(), feed=True)
        took = time.monotonic() - began
    assert took < 4  # one attempt, cut at the deadline (not retried, not read to the end)


def test_two_trickling_feeds_do_not_hold_up_the_good_sources(tmp_path, server, trickle):
    slow = [trickle(limit=150), trickle(limit=150)]  # unchecked, they would hold 150 s
    good = [serve_feed(server, name, 3) for name in ("wire", "daily", "weekly")]
    sources = "".join(rss(f"slow{n}", s.url()) for n, s in enumerate(slow))
    sources += "".join(rss(n, u) for n, u in zip(("wire", "daily", "weekly"), good, strict=True))
    settings = settings_for(tmp_path, sources, ", deadline: 1.5")
    store = run.open_store(settings)
    began = time.monotonic()
    ids = ["slow0", "slow1", "wire", "daily", "weekly"]
    results = {r.source_id: r for r in run.collect(settings, store, ids)}
    assert time.monotonic() - began < 60
    for name in ("wire", "daily", "weekly"):
        assert (results[name].new, results[name].error) == (3, None)
    for name in ("slow0", "slow1"):
        error = results[name].error or ""
        assert "no complete response within 1.5s" in error and "\n" not in error


def test_a_source_past_its_budget_is_stopped_and_the_others_proceed(tmp_path, server, trickle):
    slow = trickle(limit=150)
    good = serve_feed(server, "wire", 3)
    sources = rss("slow", slow.url()) + rss("wire", good)
    settings = settings_for(tmp_path, sources, ", deadline: 120, source_budget: 12")
    store = run.open_store(settings)
    began = time.monotonic()
    results = {r.source_id: r for r in run.collect(settings, store, ["slow", "wire"])}
    assert time.monotonic() - began < 40
    assert (results["wire"].new, results["wire"].error) == (3, None)
    stopped = "source 'slow': stopped after its 12s budget (fetch.source_budget)"
    assert results["slow"].message == stopped
    assert store.last_runs()["slow"]["status"] == "failed"


# -- 7. workers end with their parent ---------------------------------------------------------


def _children(pid: int) -> set[int]:
    """The live child processes of `pid` (from /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(x) for x in text.split()}
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_ingest_is_killed(tmp_path, trickle):
    slow = [trickle(), trickle()]
    sources = rss("slow0", slow[0].url()) + rss("slow1", slow[1].url())
    config = tmp_path / "sources.yaml"
    config.write_text(config_text(tmp_path) + sources + FAST % "", encoding="utf-8")
    run.open_store(parse_settings(config.read_text(), config)).close()
    script = Path(sys.executable).parent / "digest"
    cmd = [str(script), "ingest", "-c", str(config), "-q", "-s", "slow0", "-s", "slow1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert slow[0].connected.wait(30) and slow[1].connected.wait(30)
        workers = _children(proc.pid)
        assert workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        ends = time.monotonic() + 10
        while any(process_alive(w) for w in workers) and time.monotonic() < ends:
            time.sleep(0.05)
        assert not any(process_alive(w) for w in workers)
    finally:
        if proc.poll() is None:
            proc.kill()


# -- 8. IPv6 literals ---------------------------------------------------------------------------


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback")
def test_a_feed_on_an_ipv6_literal_keeps_its_brackets(tmp_path):
    six = HTTPServer(host="::1", port=0, threaded=True)
    six.no_handler_status_code = 404
    six.start()
    try:
        base = f"http://[::1]:{six.port}"
        page = f"<html><body><article><h1>V6</h1><p>{prose('ipv6')}</p></article></body></html>"
        six.expect_request("/a.html").respond_with_data(page, content_type="text/html")
        items = (
            f"<item><title>Good</title><link>{base}/a.html</link>"
            "<description>teaser [&#8230;]</description></item>"
            "<item><title>Broken</title><link>http://[::1/b.html</link>"
            "<description>teaser [&#8230;]</description></item>"
            f"<item><title>Own</title><link>{base}/c</link><description>"
            f"{prose('own text in the feed')}</description></item>"
        )
        feed = f'<rss version="2.0"><channel><title>6</title>{items}</channel></rss>'
        six.expect_request("/f.xml").respond_with_data(feed, content_type="application/rss+xml")
        settings = settings_for(tmp_path, rss("six", f"{base}/f.xml"))
        store = run.open_store(settings)
        [result] = run.collect(settings, store, ["six"])
        assert result.error is None and result.new == 2
        urls = {i.canonical_url for i in store.all_items()}
        assert f"{base}/a.html" in urls and f"{base}/c" in urls
    finally:
        six.stop()


# -- 9. charsets over HTTP --------------------------------------------------------------------

RU = "Пограничники сообщили об очередях на выезд из страны в сторону Польши"


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (RU.encode("utf-16-be"), "text/plain; charset=utf-16be"),
        (RU.encode("utf-16-le"), "text/plain; charset=UTF-16LE"),
        (RU.encode("utf-32-be"), "text/plain; charset=utf-32"),
        (codecs.BOM_UTF32_LE + RU.encode("utf-32-le"), "text/plain"),
        (codecs.BOM_UTF32_BE + RU.encode("utf-32-be"), "text/plain"),
        (RU.encode("koi8-r"), "text/plain"),
        (RU.encode("cp1251"), "text/plain"),
        (RU.encode("cp866"), "text/plain"),
        (RU.encode(), "application/xml-dtd"),
        (RU.encode(), "text/external-parsed-entity"),
        (RU.encode(), "application/xml-external-parsed-entity"),
    ],
)
def test_charsets_and_text_types_over_http(server: HTTPServer, fetcher, body: bytes, ctype: str):
    server.expect_request("/t").respond_with_data(body, headers={"Content-Type": ctype})
    assert fetcher.get(server.url_for("/t"), feed=True).text == RU


# -- 10. a locked database; a file without a suffix -------------------------------------------


def test_a_locked_database_is_one_line_and_the_next_run_fetches_again(tmp_path, server):
    feed = serve_feed(server, "wire", 3)  # answers 304 to a request with the saved ETag
    config = tmp_path / "sources.yaml"
    config.write_text(config_text(tmp_path) + rss("wire", feed) + FAST % "", encoding="utf-8")
    run.open_store(parse_settings(config.read_text(), config)).close()
    script = Path(sys.executable).parent / "digest"
    cmd = [str(script), "ingest", "-c", str(config), "-q", "-s", "wire"]
    holder = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        locked = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    lines = locked.stderr.strip().splitlines()
    assert locked.returncode == 1
    assert "SQL" not in locked.stderr and "Traceback" not in locked.stderr
    said = " ".join(locked.stderr.split())  # the log may wrap a long line on a narrow console
    assert "the database is locked by another process" in said
    assert "3 fetched items not stored, fetched again next run" in said
    assert lines[-1].startswith("digest: error: every source failed")
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("SELECT count(*) FROM items WHERE source_id='wire'").fetchone() == (3,)


def test_a_locked_database_for_any_command_is_one_line(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(prose("a local note"), encoding="utf-8")
    config = tmp_path / "sources.yaml"
    source = f"  - {{id: notes, kind: file, location: '{notes}', name: Notes}}\n"
    config.write_text(config_text(tmp_path) + source, encoding="utf-8")
    settings = parse_settings(config.read_text(), config)
    store = run.open_store(settings)
    run.collect(settings, store, ["notes"])
    [item] = store.all_items()
    store.close()
    script = Path(sys.executable).parent / "digest"
    holder = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        cmd = [str(script), "exclude", str(item.id), "-c", str(config)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "SQL" not in done.stderr
    assert done.stderr.startswith("digest: error: the database is locked by another process")


def test_files_without_a_suffix(tmp_path):
    notes = tmp_path / "NOTES"
    notes.write_text(prose("a local note"), encoding="utf-8")
    image = tmp_path / "IMAGE"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    sources = (
        f"  - {{id: notes, kind: file, location: '{notes}', name: Notes}}\n"
        f"  - {{id: image, kind: file, location: '{image}', name: Image}}\n"
    )
    settings = settings_for(tmp_path, sources)
    store = run.open_store(settings)
    results = {r.source_id: r for r in run.collect(settings, store, ["notes", "image"])}
    assert (results["notes"].new, results["notes"].error) == (1, None)
    assert (results["image"].new, results["image"].error) == (0, None)
    assert "a local note" in stored_texts(store)
