"""The web adapter against a site served on 127.0.0.1: listing links, article pages, failures."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.errors import SourceError
from digest.fetch.client import Fetcher
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext
from digest.sources.web import WebSource, article_links

PAGES = Path(__file__).parent / "fixtures" / "web"
SELECTOR = ".news-list h3 a"


@pytest.fixture
def server(httpserver_ipv4: HTTPServer) -> HTTPServer:
    """The test site: listing at /news, two articles, 404 for anything else."""
    s = httpserver_ipv4
    s.no_handler_status_code = 404
    s.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    base = s.url_for("").rstrip("/").encode()
    for path, name in [
        ("/news", "listing.html"),
        ("/news/2025/01/opposition-forum", "article-forum.html"),
        ("/news/2025/01/sanctions-list", "article-sanctions.html"),
    ]:
        body = (PAGES / name).read_bytes().replace(b"{base}", base)
        s.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")
    return s


def source(url: str, **options) -> SourceConfig:
    """A web source at `url`."""
    return SourceConfig(id="site", kind="web", location=url, name="Test site", options=options)


def context(fetcher: Fetcher, seen: set[str] = frozenset()) -> SourceContext:
    """A context with the given stored URLs."""
    now = datetime(2025, 1, 20, tzinfo=UTC)
    return SourceContext(Path("."), now, fetcher, seen=seen.__contains__)


def test_listing_links_are_picked_resolved_deduplicated(
    server: HTTPServer, fetcher: Fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    src = source(server.url_for("/news"), links=SELECTOR)
    with caplog.at_level(logging.WARNING):
        docs = list(WebSource().documents(src, context(fetcher)))
    assert [d.url for d in docs] == [
        server.url_for("/news/2025/01/opposition-forum"),
        server.url_for("/news/2025/01/sanctions-list"),
    ]
    assert "Representatives of Belarusian democratic forces" in docs[0].content
    assert docs[0].content_type == "text/html" and docs[0].source_id == "site"
    assert "missing-article: HTTP 404" in caplog.text
    fetched = [r.path for r, _ in server.log]
    assert "/about" not in fetched and fetched.count("/news/2025/01/opposition-forum") == 1


def test_max_articles_caps_the_links(server: HTTPServer, fetcher: Fetcher) -> None:
    src = source(server.url_for("/news"), links=SELECTOR, max_articles=1)
    docs = list(WebSource().documents(src, context(fetcher)))
    assert [d.url for d in docs] == [server.url_for("/news/2025/01/opposition-forum")]


def test_seen_articles_are_not_fetched(server: HTTPServer, fetcher: Fetcher) -> None:
    seen = {server.url_for("/news/2025/01/opposition-forum")}
    src = source(server.url_for("/news"), links=SELECTOR)
    docs = list(WebSource().documents(src, context(fetcher, seen)))
    assert len(docs) == 1
    assert "/news/2025/01/opposition-forum" not in [r.path for r, _ in server.log]


def test_other_sites_are_followed_when_same_site_is_off(server: HTTPServer, fetcher) -> None:
    src = source(server.url_for("/news"), links=SELECTOR, same_site=False)
    links = article_links(fetcher.get(src.location), WebSource.Options(**src.options), src)
    assert "https://elsewhere.example.com/story" in links
    assert len(links) == 4


def test_a_single_article_source(server: HTTPServer, fetcher: Fetcher) -> None:
    src = source(server.url_for("/news/2025/01/sanctions-list"), single=True)
    docs = list(WebSource().documents(src, context(fetcher)))
    assert len(docs) == 1 and "state companies" in docs[0].content


def test_a_selector_matching_nothing_fails_the_source(server: HTTPServer, fetcher: Fetcher) -> None:
    src = source(server.url_for("/news"), links="div.latest-stories a")
    with pytest.raises(SourceError, match="selector 'div.latest-stories a' matched no article"):
        list(WebSource().documents(src, context(fetcher)))


def test_a_missing_listing_fails_the_source(server: HTTPServer, fetcher: Fetcher) -> None:
    with pytest.raises(SourceError, match="listing page failed: .*HTTP 404"):
        list(WebSource().documents(source(server.url_for("/archive")), context(fetcher)))


def test_a_listing_robots_forbids_fails_the_source(server: HTTPServer, fetcher: Fetcher) -> None:
    with pytest.raises(SourceError, match="disallowed by .*robots.txt"):
        list(WebSource().documents(source(server.url_for("/private/list")), context(fetcher)))


def test_an_unchanged_listing_yields_nothing_on_the_second_run(
    httpserver_ipv4: HTTPServer, fetcher: Fetcher
) -> None:
    s = httpserver_ipv4
    s.expect_request("/robots.txt").respond_with_data("", status=404)
    s.expect_request(
        "/list", headers={"If-Modified-Since": "Wed, 15 Jan 2025 10:00:00 GMT"}
    ).respond_with_data("", status=304)
    s.expect_request("/list").respond_with_data(
        '<a class="story" href="/s/1">One</a>',
        content_type="text/html",
        headers={"Last-Modified": "Wed, 15 Jan 2025 10:00:00 GMT"},
    )
    s.expect_request("/s/1").respond_with_data("<p>Story one</p>", content_type="text/html")
    src = source(s.url_for("/list"), links="a.story")
    assert len(list(WebSource().documents(src, context(fetcher)))) == 1
    assert list(WebSource().documents(src, context(fetcher))) == []
    assert [r.status_code for _, r in s.log][-1] == 304
