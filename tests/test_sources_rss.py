"""The rss adapter against feeds served on 127.0.0.1: full entries, teasers, bad feeds, 304."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.errors import SourceError
from digest.fetch.client import Fetcher
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext
from digest.sources.rss import RssSource

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def serve(server: HTTPServer, path: str, name: str, ctype: str = "application/rss+xml") -> str:
    """Serve a fixture file at `path` with {base} replaced by the server's address."""
    data = (FEEDS / name).read_bytes().replace(b"{base}", server.url_for("").rstrip("/").encode())
    server.expect_request(path).respond_with_data(data, content_type=ctype)
    return server.url_for(path)


def source(url: str, **options) -> SourceConfig:
    """An rss source at `url`."""
    return SourceConfig(id="feed", kind="rss", location=url, name="Test feed", options=options)


def context(fetcher: Fetcher, seen: set[str] = frozenset()) -> SourceContext:
    """A context for January 2025 with the given stored URLs."""
    now = datetime(2025, 1, 20, tzinfo=UTC)
    return SourceContext(Path("."), now, fetcher, since=SINCE, seen=seen.__contains__)


def test_full_content_entries_are_used_as_they_are(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/feed.xml", "full-content.rss.xml")
    docs = list(RssSource().documents(source(url), context(fetcher)))
    assert [d.title for d in docs] == [
        "Border queues grow at the Polish crossing",
        "Minsk court hands down new sentences",
    ]
    first = docs[0]
    assert first.url == server.url_for("/news/border-queues")  # tracking dropped
    assert first.published == datetime(2025, 1, 14, 6, 30, tzinfo=UTC)
    assert first.author == "Test Reporter" and first.content_type == "text/html"
    assert "four days" in first.content and first.meta["full_text"] == "entry"
    assert [p for p, _ in [(r.path, 0) for r, _ in server.log]] == ["/feed.xml"]


def test_seen_entries_are_skipped(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/feed.xml", "full-content.rss.xml")
    seen = {server.url_for("/news/border-queues")}
    docs = list(RssSource().documents(source(url), context(fetcher, seen)))
    assert [d.title for d in docs] == ["Minsk court hands down new sentences"]


def test_teasers_get_their_pages_fetched(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/atom", "teasers.atom.xml", "application/atom+xml")
    for slug in ("energy-deal", "exercise"):
        server.expect_request(f"/articles/{slug}").respond_with_data(
            f"<html><body><article>Full story: {slug}</article></body></html>",
            content_type="text/html",
        )
    docs = list(RssSource().documents(source(url), context(fetcher)))
    assert [d.content for d in docs] == [
        "<html><body><article>Full story: energy-deal</article></body></html>",
        "<html><body><article>Full story: exercise</article></body></html>",
    ]
    deal = docs[0]
    assert deal.title == "Minsk and Moscow sign an energy deal" and deal.author == "Wire Desk"
    assert deal.published == datetime(2025, 1, 15, 8, 0, tzinfo=UTC)
    assert deal.meta["full_text"] == "page" and "[…]" in deal.meta["summary"]


def test_full_text_never_keeps_the_teaser(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/atom", "teasers.atom.xml", "application/atom+xml")
    docs = list(RssSource().documents(source(url, full_text="never"), context(fetcher)))
    assert docs[1].content == "A short teaser." and len(server.log) == 1


def test_a_teaser_whose_page_is_gone_is_skipped_with_a_warning(
    server: HTTPServer, fetcher: Fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    url = serve(server, "/atom", "teasers.atom.xml", "application/atom+xml")
    server.expect_request("/articles/exercise").respond_with_data(
        "<p>ok</p>", content_type="text/html"
    )
    with caplog.at_level(logging.WARNING):
        docs = list(RssSource().documents(source(url), context(fetcher)))
    assert [d.url for d in docs] == [server.url_for("/articles/exercise")]
    assert "source feed: skipped article" in caplog.text and "energy-deal: HTTP 404" in caplog.text


def test_a_cp1251_feed_labelled_utf8_reads_correctly(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/ru.xml", "cp1251.rss.xml", "application/rss+xml; charset=utf-8")
    docs = list(RssSource().documents(source(url, full_text="never"), context(fetcher)))
    assert docs[0].title == "Лукашенко назначил нового министра"
    assert "подписан в среду" in docs[0].content


def test_malformed_xml_is_a_source_error(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/broken.xml", "malformed.xml")
    with pytest.raises(SourceError, match="source 'feed': .* is not a readable feed"):
        list(RssSource().documents(source(url), context(fetcher)))


def test_an_html_error_page_is_not_a_feed(server: HTTPServer, fetcher: Fetcher) -> None:
    url = serve(server, "/feed", "error-page.html", "text/html")
    with pytest.raises(SourceError, match="HTML page titled 'Service temporarily unavailable'"):
        list(RssSource().documents(source(url), context(fetcher)))


@pytest.mark.parametrize(("status", "reason"), [(404, "HTTP 404$"), (500, "HTTP 500 .gave up")])
def test_feed_http_errors_fail_the_source(
    server: HTTPServer, fetcher: Fetcher, status: int, reason: str
) -> None:
    server.expect_request("/feed").respond_with_data("no", status=status)
    with pytest.raises(SourceError, match="feed failed: .*" + reason):
        list(RssSource().documents(source(server.url_for("/feed")), context(fetcher)))


def test_a_second_run_gets_304_and_yields_nothing(server: HTTPServer, fetcher: Fetcher) -> None:
    body = (FEEDS / "full-content.rss.xml").read_bytes()

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"rev-7"':
            return Response(status=304)
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"rev-7"'})

    server.expect_request("/feed").respond_with_handler(feed)
    src = source(server.url_for("/feed"))
    assert len(list(RssSource().documents(src, context(fetcher)))) == 2
    assert list(RssSource().documents(src, context(fetcher))) == []
    assert [resp.status_code for _, resp in server.log] == [200, 304]


def test_offline_run_is_a_clear_error() -> None:
    ctx = SourceContext(Path("."), datetime(2025, 1, 20, tzinfo=UTC))
    with pytest.raises(SourceError, match="needs the network"):
        list(RssSource().documents(source("https://example.org/feed"), ctx))


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="full_text"):
        RssSource.Options.model_validate({"full_text": "sometimes"})
