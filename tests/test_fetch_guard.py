"""The address guard: which hosts reach internal addresses, and the source-origin exception."""

from __future__ import annotations

import ipaddress

import pytest

from digest.errors import FetchError
from digest.fetch.guard import AddressGuard, internal_kind, origin_of


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "reserved"),  # carrier-grade NAT
        ("224.0.0.1", "multicast"),
        ("93.184.216.34", None),
        ("2606:2800:220:1::1", None),
    ],
)
def test_internal_kinds(address: str, kind: str | None) -> None:
    assert internal_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://localhost:8080/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://user:pass@127.0.0.1/",
        "http://[::1]:8080/a",
        "http://[::ffff:7f00:1]/",
        "https://169.254.169.254/latest/meta-data/",
        "http://[fe80::1%25lo]/",
    ],
)
def test_internal_urls_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="refused .* address"):
        AddressGuard().check_url(url, url)


def test_the_allowed_origin_only() -> None:
    guard = AddressGuard(["http://127.0.0.1:8080/feed.xml"])
    guard.check_url("http://127.0.0.1:8080/other/page", "x")  # same scheme, host and port
    for other in ("http://127.0.0.1:8081/", "https://127.0.0.1:8080/", "http://localhost:8080/"):
        with pytest.raises(FetchError):
            guard.check_url(other, other)
    guard.allow_only([])
    with pytest.raises(FetchError):
        guard.check_url("http://127.0.0.1:8080/feed.xml", "x")


def test_the_connected_address_is_checked_too() -> None:
    guard = AddressGuard()
    with pytest.raises(FetchError, match="a loopback address"):
        guard.check_peer("http://news.example.org/", "x", "127.0.0.1")  # a name rebound
    guard.check_peer("http://news.example.org/", "x", "93.184.216.34")


def test_origins() -> None:
    assert origin_of("HTTP://Example.ORG./a") == ("http", "example.org", 80)
    assert origin_of("https://[::1]/a") == ("https", "::1", 443)
    assert origin_of("ftp://example.org/") is None
    assert origin_of("http://[::1") is None
