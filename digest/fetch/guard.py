"""Which addresses the fetcher may reach: no internal ones, except the source's own origin.

A feed or a page is untrusted: a link in it to 127.0.0.1/admin, a private network or the cloud
metadata service (169.254.169.254) must not be fetched and its text stored. Every request and
every redirect hop is checked by name (resolved through DNS, so `localhost`, `0x7f000001` and
`2130706433` are caught as the address they reach) and again by the address actually connected
to (so a name that resolves differently the second time is caught too). An internal address is
allowed only for an origin (scheme, host, port) a source is configured at, so a source that lives
on the local network, or a loopback test server, keeps working.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from digest.errors import FetchError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> Origin | None:
    """(scheme, lower-case host, port) of an http(s) URL, or None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


def internal_kind(address: Address) -> str | None:
    """What kind of non-public address this is (loopback, private...), or None when public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link-local (cloud metadata)" if str(address) == "169.254.169.254" else "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "reserved"
    return None


def parse_address(text: str) -> Address | None:
    """An IP address from a socket address string (zone id dropped), or None."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


class AddressGuard:
    """The policy: which origins may be internal; checks names and connected addresses."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        """Start with the origins of the given URLs allowed to be internal."""
        self._lock = threading.Lock()
        self._allowed: frozenset[Origin] = frozenset()
        self.allow_only(allowed)

    def allow_only(self, urls: Iterable[str]) -> None:
        """Allow internal addresses for these URLs' origins only (the source now gathered)."""
        origins = {o for o in (origin_of(u) for u in urls) if o is not None}
        with self._lock:
            self._allowed = frozenset(origins)

    def allowed(self, url: str) -> bool:
        """Whether the URL's origin is one a source is configured at."""
        with self._lock:
            return origin_of(url) in self._allowed

    def check_url(self, url: str, asked: str) -> None:
        """Raise FetchError (for `asked`) when `url`'s host resolves to an internal address."""
        if self.allowed(url):
            return
        origin = origin_of(url)
        if origin is None:
            return  # not http(s): the client refuses it with its own message
        for address in _resolve(origin[1], origin[2]):
            kind = internal_kind(address)
            if kind:
                raise FetchError(asked, refusal(url, address, kind))

    def check_peer(self, url: str, asked: str, peer: str | None) -> None:
        """Raise FetchError when the address actually connected to is internal (DNS rebinding)."""
        if peer is None or self.allowed(url):
            return
        address = parse_address(peer)
        kind = internal_kind(address) if address is not None else None
        if address is not None and kind:
            raise FetchError(asked, refusal(url, address, kind))


def refusal(url: str, address: Address, kind: str) -> str:
    """The one-line reason a URL was not fetched."""
    where = url if len(url) <= 120 else url[:117] + "..."
    return (
        f"refused {where}: it reaches {address}, a {kind} address "
        "(internal addresses are fetched only at a source's own configured origin)"
    )


def _resolve(host: str, port: int) -> list[Address]:
    """Every address a host name or literal reaches; empty when it does not resolve."""
    literal = parse_address(host.strip("[]"))
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []  # the client's own connection attempt reports the unknown host
    found = [parse_address(str(info[4][0])) for info in infos]
    return [a for a in found if a is not None]
