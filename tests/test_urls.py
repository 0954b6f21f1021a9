"""URL canonicalisation: tracking, AMP, mobile hosts, ports, case and slashes fold to one form."""

from __future__ import annotations

import pytest

from digest.errors import DigestError
from digest.fetch.urls import absolute_url, canonical_url, host_of

CANONICAL = "https://news.example.org/politics/2025/01/story-about-minsk"


@pytest.mark.parametrize(
    "variant",
    [
        CANONICAL,
        "HTTPS://News.Example.ORG/politics/2025/01/story-about-minsk",
        "https://news.example.org:443/politics/2025/01/story-about-minsk",
        "https://news.example.org/politics/2025/01/story-about-minsk/",
        "https://news.example.org/politics/2025/01/story-about-minsk#comments",
        "https://news.example.org/politics/2025/01/story-about-minsk?utm_source=tg&utm_medium=x",
        "https://news.example.org/politics/2025/01/story-about-minsk?fbclid=AbC&gclid=1&yclid=2",
        "https://news.example.org/politics/2025/01/story-about-minsk?ref=homepage",
        "https://news.example.org/politics/2025/01/story-about-minsk/amp/",
        "https://news.example.org/amp/politics/2025/01/story-about-minsk",
        "https://news.example.org/politics/2025/01/story-about-minsk?amp=1",
        "https://news.example.org/politics/2025/01/story-about-minsk?amp",
        "https://m.news.example.org/politics/2025/01/story-about-minsk",
        "https://mobile.news.example.org/politics/2025/01/story-about-minsk",
        "https://amp.news.example.org/politics/2025/01/story-about-minsk",
        "  https://news.example.org/politics/2025/01/story-about-minsk  ",
    ],
)
def test_variants_fold_to_one_form(variant: str) -> None:
    assert canonical_url(variant) == CANONICAL


def test_remaining_params_are_sorted_and_kept() -> None:
    url = "https://example.org/search?q=belarus&page=2&utm_campaign=z&lang=en"
    assert canonical_url(url) == "https://example.org/search?lang=en&page=2&q=belarus"


def test_meaningful_params_are_not_mistaken_for_amp_or_tracking() -> None:
    assert canonical_url("https://example.org/a?amp=0&id=7") == "https://example.org/a?amp=0&id=7"
    assert canonical_url("https://example.org/a?reference=x") == "https://example.org/a?reference=x"


def test_non_default_port_and_root_path_are_kept() -> None:
    assert canonical_url("http://Example.org:8080") == "http://example.org:8080/"
    assert canonical_url("http://example.org:80/") == "http://example.org/"


def test_two_label_host_keeps_its_first_label() -> None:
    # "m.org" must not become "org": only a subdomain prefix is folded.
    assert canonical_url("https://m.org/x") == "https://m.org/x"


def test_cyrillic_path_and_escapes_are_one_spelling() -> None:
    raw = "https://example.by/навіны/1"
    escaped = "https://example.by/%d0%bd%d0%b0%d0%b2%d1%96%d0%bd%d1%8b/1"
    assert canonical_url(raw) == canonical_url(escaped)
    assert canonical_url("https://example.org/%7Euser") == "https://example.org/~user"


def test_amp_html_suffix_is_folded() -> None:
    assert (
        canonical_url("https://example.org/news/42.amp.html") == "https://example.org/news/42.html"
    )


@pytest.mark.parametrize("bad", ["mailto:a@example.org", "/relative/path", "ftp://example.org/f"])
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(DigestError, match="not an absolute http"):
        canonical_url(bad)


def test_absolute_url_resolves_relative_links() -> None:
    base = "https://example.org/news/list?page=1"
    assert absolute_url(base, "../world/7?utm_source=rss") == "https://example.org/world/7"
    assert absolute_url(base, "javascript:void(0)") is None


def test_host_of_keeps_only_a_non_default_port() -> None:
    assert host_of("https://Example.org:443/x") == "example.org"
    assert host_of("http://127.0.0.1:8123/x") == "127.0.0.1:8123"


@pytest.mark.parametrize(
    ("url", "canonical", "host"),
    [
        ("http://[::1]:8080/a", "http://[::1]:8080/a", "[::1]:8080"),
        ("HTTP://[::1]/a/", "http://[::1]/a", "[::1]"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x", "[2001:db8::1]"),
        ("http://user:pw@[::1]:81/", "http://user:pw@[::1]:81/", "[::1]:81"),
    ],
)
def test_ipv6_literals_keep_their_brackets(url: str, canonical: str, host: str) -> None:
    assert canonical_url(url) == canonical
    assert host_of(url) == host


def test_a_broken_ipv6_literal_is_an_error_not_a_crash() -> None:
    with pytest.raises(DigestError, match="malformed URL"):
        canonical_url("http://[::1/a")
    assert absolute_url("http://[::1]:8080/feed", "http://[::1/b") is None
    assert absolute_url("http://[::1]:8080/feed", "/b") == "http://[::1]:8080/b"
