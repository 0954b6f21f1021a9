"""Feed autodiscovery for `digest sources add URL`: the URL is a feed, or its page names one.

A page names its feeds with `<link rel="alternate" type="application/rss+xml" href=...>` (or
`application/atom+xml`). The page is fetched with the real Fetcher, so robots.txt, timeouts
and the size cap apply; the feed found is fetched and parsed to be sure it is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from digest.errors import DigestError
from digest.fetch.client import Fetcher
from digest.fetch.records import FetchResult

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
_FEED_START = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


@dataclass(frozen=True)
class Discovered:
    """A feed found for a URL: its address, the page it was found on, its title and language."""

    feed_url: str
    page_url: str | None
    title: str | None
    language: str | None
    link: str | None  # the site the feed says it belongs to


def feed_links(html: str, base_url: str) -> list[str]:
    """The RSS and Atom feeds a page names in its <link rel="alternate"> tags, in page order."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for tag in soup.find_all("link"):
        rel = tag.get("rel") or ""
        rels = rel.split() if isinstance(rel, str) else [str(r) for r in rel]
        kind = str(tag.get("type") or "").split(";")[0].strip().lower()
        href = str(tag.get("href") or "").strip()
        if "alternate" in [r.lower() for r in rels] and kind in FEED_TYPES and href:
            url = urljoin(base_url, href)
            if urlsplit(url).scheme in ("http", "https") and url not in found:
                found.append(url)
    return found


def looks_like_feed(result: FetchResult) -> bool:
    """Whether a response is itself an RSS or Atom document (by its type or its first tag)."""
    if result.content_type in (*FEED_TYPES, "application/rdf+xml"):
        return True
    return bool(_FEED_START.match(result.text[:4096]))


def discover(fetcher: Fetcher, url: str) -> Discovered:
    """The feed of a URL: the URL itself when it is a feed, else the first feed its page names."""
    page = fetcher.get(url)
    if looks_like_feed(page):
        return _read_feed(page, page_url=None)
    links = feed_links(page.text, page.final_url)
    if not links:
        raise DigestError(
            f"{url}: no feed found (the page names no RSS or Atom feed in a "
            '<link rel="alternate">); add it with --kind web and a links selector instead'
        )
    return _read_feed(fetcher.get(links[0], feed=True), page_url=page.final_url)


def _read_feed(result: FetchResult, page_url: str | None) -> Discovered:
    """Parse a fetched feed; a DigestError when it is not a readable RSS or Atom feed."""
    import feedparser

    parsed = feedparser.parse(result.body or result.text.encode("utf-8"))
    if not parsed.get("version"):
        raise DigestError(f"{result.url}: not an RSS or Atom feed")
    feed = parsed.get("feed", {})
    language = str(feed.get("language") or "").split("-")[0].split("_")[0].lower() or None
    return Discovered(
        feed_url=result.final_url or result.url,
        page_url=page_url,
        title=(feed.get("title") or "").strip() or None,
        language=language,
        link=feed.get("link") or page_url,
    )
