"""URL canonicalisation: one spelling per article, so the same story is stored and fetched once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from digest.errors import DigestError

# Query keys that only track where a click came from; they never change the page.
TRACKING_KEYS = frozenset(
    {
        "fbclid",
        "gclid",
        "yclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "ocid",
        "s_cid",
        "at_medium",
        "at_campaign",
        "utm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# Query keys that only ask for the AMP rendering of the same page.
AMP_KEYS = {"amp": {"", "1", "true", "yes"}, "outputtype": {"amp"}, "output": {"amp"}}
MOBILE_LABELS = ("m", "mobile", "amp", "touch")
DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_ESCAPE = re.compile(r"%([0-9a-fA-F]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL, so variants of one article compare equal."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise DigestError(f"malformed URL {url!r}: {exc}") from None  # e.g. "http://[::1"
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise DigestError(f"not an absolute http(s) URL: {url!r}")
    netloc = _netloc(scheme, parts)
    path = _path(parts.path)
    query = _query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def absolute_url(base: str, href: str) -> str | None:
    """The canonical absolute form of a link found on page `base`, or None if not http(s)."""
    try:
        joined = urljoin(base, href.strip())
        return canonical_url(joined)
    except (DigestError, ValueError):  # ValueError: a malformed netloc such as "[::1"
        return None


def host_of(url: str) -> str:
    """The lower-case host (with a non-default port) of a URL: the key for per-host limits."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port and port != DEFAULT_PORTS.get(parts.scheme.lower()) else host


def _netloc(scheme: str, parts) -> str:
    """Lower-case host without mobile/AMP prefix and without the scheme's default port."""
    host = parts.hostname.lower().rstrip(".")
    labels = host.split(".")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets, or the port would merge in
    elif len(labels) > 2 and labels[0] in MOBILE_LABELS:
        host = ".".join(labels[1:])
    try:
        port = parts.port
    except ValueError as exc:
        raise DigestError(f"bad port in URL: {parts.geturl()!r}") from exc
    if port and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    return f"{userinfo}@{host}" if userinfo else host


def _path(path: str) -> str:
    """Percent-encoding normalised, AMP segments folded, no trailing slash except the root."""
    path = _ESCAPE.sub(_normal_escape, quote(path, safe=_SAFE_PATH))
    segments = path.split("/")
    if len(segments) > 2 and segments[1].lower() == "amp":
        del segments[1]
    while len(segments) > 1 and segments[-1] == "":
        segments.pop()
    if len(segments) > 1 and segments[-1].lower() == "amp":
        segments.pop()
    if segments:
        segments[-1] = re.sub(r"\.amp(\.html?)?$", r"\1", segments[-1], flags=re.IGNORECASE)
    path = "/".join(segments).rstrip("/")
    return path or "/"


def _normal_escape(match: re.Match[str]) -> str:
    """An escape of an unreserved character decoded; any other escape in upper case."""
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _query(query: str) -> str:
    """The query without tracking and AMP parameters, sorted by key then value."""
    kept = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        low = key.lower()
        if low in TRACKING_KEYS or low.startswith(TRACKING_PREFIXES):
            continue
        if low in AMP_KEYS and value.lower() in AMP_KEYS[low]:
            continue
        kept.append((key, value))
    return urlencode(sorted(kept), doseq=False)
