"""Collecting for real over HTTP on 127.0.0.1: many sources at once, failures named, re-runs cheap,
and a kill -9 in the middle leaves a consistent store that the next run completes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest import pipeline as run
from digest.settings.loading import parse_settings
from tests.conftest import FIXTURES, ROOT, config_text

PAGE = (FIXTURES / "collect" / "article.html.tmpl").read_text(encoding="utf-8")
FAST = "fetch: {timeout: 2, retries: 0, backoff: 0, robots: false}\n"


def feed_xml(base: str, name: str, count: int) -> str:
    """An RSS feed of `count` teaser entries pointing at /<name>/<n>.html."""
    items = "".join(
        f"<item><title>Border exercise number {n}</title><link>{base}/{name}/{n}.html</link>"
        f"<guid>{base}/{name}/{n}.html</guid><pubDate>Wed, 15 Jan 2025 10:{n:02d}:00 GMT</pubDate>"
        f"<description>A short teaser [&#8230;]</description></item>"
        for n in range(1, count + 1)
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
    return f"{head}{items}</channel></rss>"


def serve_feed(server: HTTPServer, name: str, count: int, special: dict | None = None) -> str:
    """Serve a feed with ETag support and its article pages (some by handler); its URL."""
    base = server.url_for("").rstrip("/")
    body = feed_xml(base, name, count)

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == f'"{name}-v1"':
            return Response(status=304)
        return Response(body, content_type="application/rss+xml", headers={"ETag": f'"{name}-v1"'})

    server.expect_request(f"/{name}.xml").respond_with_handler(feed)
    for n in range(1, count + 1):
        expect = server.expect_request(f"/{name}/{n}.html")
        if special and n in special:
            expect.respond_with_handler(special[n])
        else:
            expect.respond_with_data(PAGE.replace("{n}", f"{n}{name}"), content_type="text/html")
    return server.url_for(f"/{name}.xml")


def rss(source_id: str, url: str) -> str:
    return f"  - {{id: {source_id}, kind: rss, location: '{url}', name: {source_id.title()}}}\n"


def settings_with(tmp_path: Path, sources: str):
    text = config_text(tmp_path) + sources + FAST
    return parse_settings(text, tmp_path / "sources.yaml")


def test_many_sources_at_once_and_each_failure_named(tmp_path, httpserver_ipv4: HTTPServer):
    httpserver_ipv4.no_handler_status_code = 404
    good = serve_feed(httpserver_ipv4, "wire", 5)
    other = serve_feed(httpserver_ipv4, "daily", 3)
    httpserver_ipv4.expect_request("/broken.xml").respond_with_data("<rss><channel><item>", 200)
    httpserver_ipv4.expect_request("/gone.xml").respond_with_data("gone", status=404)
    at = httpserver_ipv4.url_for
    sources = (
        rss("wire", good) + rss("daily", other) + rss("broken", at("/broken.xml"))
        + rss("gone", at("/gone.xml")) + rss("dead", "http://127.0.0.1:1/feed")
    )  # fmt: skip
    settings = settings_with(tmp_path, sources)
    store = run.open_store(settings)
    counts: dict[str, int] = {}
    results = {r.source_id: r for r in run.collect(settings, store, progress=counts.__setitem__)}
    assert (results["seeds"].new, results["wire"].new, results["daily"].new) == (41, 5, 3)
    assert (counts["seeds"], counts["wire"], counts["daily"]) == (5, 5, 3)  # documents, as read
    for bad in ("broken", "gone", "dead"):
        assert results[bad].error and f"source '{bad}'" in results[bad].message, results[bad]
        assert not results[bad].error.startswith("source '")  # the reason alone
    assert "404" in results["gone"].error
    status = {row[0]: row for row in run.source_status(settings, store)}
    assert status["dead"][4] and status["wire"][4] == "" and status["wire"][1] == "5"


def test_a_rerun_with_nothing_new_gets_304_and_fetches_no_page(tmp_path, httpserver_ipv4):
    httpserver_ipv4.no_handler_status_code = 404
    url = serve_feed(httpserver_ipv4, "wire", 6)
    settings = settings_with(tmp_path, rss("wire", url))
    store = run.open_store(settings)
    first = {r.source_id: r for r in run.collect(settings, store, ["wire"])}
    assert first["wire"].new == 6
    before = len(httpserver_ipv4.log)
    (second,) = run.collect(settings, store, ["wire"])
    assert (second.new, second.error) == (0, None)
    requests = httpserver_ipv4.log[before:]
    assert [(r.path, resp.status_code) for r, resp in requests] == [("/wire.xml", 304)]


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_kill_9_mid_run_leaves_a_consistent_store_and_the_next_run_completes(
    tmp_path, httpserver_ipv4: HTTPServer
):
    httpserver_ipv4.no_handler_status_code = 404
    running: list[subprocess.Popen] = []

    def kill_on_page_8(request: Request) -> Response:
        if running and running[0].poll() is None:
            os.kill(running[0].pid, signal.SIGKILL)  # the ingest dies in the middle of its run
        return Response(PAGE.replace("{n}", "8wire"), content_type="text/html")

    url = serve_feed(httpserver_ipv4, "wire", 12, special={8: kill_on_page_8})
    config = tmp_path / "sources.yaml"
    config.write_text(config_text(tmp_path) + rss("wire", url) + FAST, encoding="utf-8")
    script = Path(sys.executable).parent / "digest"
    running.append(
        subprocess.Popen(
            [str(script), "ingest", "-q", "-c", str(config), "--source", "wire"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )  # fmt: skip
    )
    assert running[0].wait(timeout=120) == -signal.SIGKILL
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        partial = db.execute("SELECT count(*) FROM items").fetchone()[0]
    assert partial < 12
    settings = parse_settings(config.read_text(encoding="utf-8"), config)
    (again,) = run.collect(settings, run.open_store(settings), ["wire"])
    assert again.error is None and again.new == 12 - partial
    with sqlite3.connect(tmp_path / "t.db") as db:
        urls = [u for (u,) in db.execute("SELECT canonical_url FROM items")]
    assert len(urls) == len(set(urls)) == 12
