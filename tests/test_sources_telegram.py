"""The telegram adapter against a channel preview served on 127.0.0.1: posts, paging, failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.errors import SourceError
from digest.fetch.client import Fetcher, FetchOptions
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext
from digest.sources.telegram import TelegramSource, channel_name

PAGES = Path(__file__).parent / "fixtures" / "telegram"
SINCE = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def server(httpserver_ipv4: HTTPServer) -> HTTPServer:
    """A stand-in for t.me: the channel's two preview pages, 404 for anything else."""
    s = httpserver_ipv4
    s.no_handler_status_code = 404
    s.expect_request("/robots.txt").respond_with_data("", status=404)
    html = "text/html; charset=utf-8"
    older = (PAGES / "page-older.html").read_bytes()
    s.expect_request("/s/testchannel", query_string="before=1205").respond_with_data(
        older, content_type=html
    )
    newest = (PAGES / "page-newest.html").read_bytes()
    s.expect_request("/s/testchannel", query_string="").respond_with_data(newest, content_type=html)
    return s


@pytest.fixture
def fetcher(httpserver_ipv4) -> Iterator[Fetcher]:
    """A real fetcher that never sleeps; the loopback server's origin is allowed."""
    with Fetcher("digest-test", FetchOptions(timeout=2, retries=1, backoff=0)) as f:
        f.guard.allow_only([httpserver_ipv4.url_for("/")])
        yield f


def source(server: HTTPServer, location: str = "testchannel", **options) -> SourceConfig:
    """A telegram source whose preview host is the test server."""
    options = {"base_url": server.url_for("/"), **options}
    return SourceConfig(
        id="tg", kind="telegram", location=location, name="Test channel", options=options
    )


def context(fetcher: Fetcher, seen: set[str] = frozenset()) -> SourceContext:
    """A context for January 2025 with the given stored permalinks."""
    now = datetime(2025, 1, 20, tzinfo=UTC)
    return SourceContext(Path("."), now, fetcher, since=SINCE, seen=seen.__contains__)


def test_posts_become_documents_across_pages(server: HTTPServer, fetcher: Fetcher) -> None:
    docs = list(TelegramSource().documents(source(server), context(fetcher)))
    assert [d.url for d in docs] == [
        "https://t.me/testchannel/1205",
        "https://t.me/testchannel/1207",
        "https://t.me/testchannel/1203",
    ]
    first, reply, older = docs
    assert first.published == datetime(2025, 1, 15, 9, 12, tzinfo=UTC)
    assert reply.published == datetime(2025, 1, 15, 11, 30, tzinfo=UTC)
    assert "закон о новых ограничениях" in first.content and first.content_type == "text/html"
    assert first.author == "Test Channel" and first.meta["views"] == "12.4K"
    assert first.meta["link"] == "https://news.example.org/law?utm_source=tg"
    assert "политзаключённых" in reply.content and "подписал закон" not in reply.content
    assert "<b>Молния:</b>" in older.content
    requested = [(r.path, r.query_string) for r, _ in server.log if r.path != "/robots.txt"]
    assert requested == [("/s/testchannel", b""), ("/s/testchannel", b"before=1205")]


def test_max_pages_stops_paging(server: HTTPServer, fetcher: Fetcher) -> None:
    docs = list(TelegramSource().documents(source(server, max_pages=1), context(fetcher)))
    assert len(docs) == 2


def test_a_page_of_stored_posts_stops_paging(server: HTTPServer, fetcher: Fetcher) -> None:
    seen = {f"https://t.me/testchannel/{n}" for n in (1205, 1206, 1207)}
    assert list(TelegramSource().documents(source(server), context(fetcher, seen))) == []
    assert sum(1 for r, _ in server.log if r.path.startswith("/s/")) == 1


@pytest.mark.parametrize(
    "location",
    ["testchannel", "@testchannel", "https://t.me/testchannel", "t.me/s/testchannel/"],
)
def test_channel_locations(server: HTTPServer, location: str) -> None:
    assert channel_name(source(server, location)) == "testchannel"


def test_a_bad_location_is_refused(server: HTTPServer) -> None:
    with pytest.raises(SourceError, match="not a Telegram channel name or URL"):
        channel_name(source(server, "https://example.org/some/page"))


def test_a_channel_without_preview_is_an_error(server: HTTPServer, fetcher: Fetcher) -> None:
    # As on t.me: the preview address redirects to the channel's info page.
    server.expect_request("/s/closedchannel").respond_with_data(
        "", status=302, headers={"Location": "/closedchannel"}
    )
    info = (PAGES / "channel-info.html").read_bytes()
    server.expect_request("/closedchannel").respond_with_data(info, content_type="text/html")
    with pytest.raises(SourceError, match="'closedchannel' has no public web preview"):
        list(TelegramSource().documents(source(server, "closedchannel"), context(fetcher)))


def test_a_restricted_channel_quotes_the_notice(server: HTTPServer, fetcher: Fetcher) -> None:
    page = (PAGES / "restricted.html").read_bytes()
    server.expect_request("/s/blocked").respond_with_data(page, content_type="text/html")
    with pytest.raises(SourceError, match="the page says: .This channel can't be displayed"):
        list(TelegramSource().documents(source(server, "blocked"), context(fetcher)))


def test_a_missing_preview_page_is_an_error(server: HTTPServer, fetcher: Fetcher) -> None:
    with pytest.raises(SourceError, match="channel preview failed: .*HTTP 404"):
        list(TelegramSource().documents(source(server, "nosuchchannel"), context(fetcher)))
