"""Web pages: a listing page whose article links a CSS selector picks, or one article URL."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from digest.errors import DigestError, FetchError, SourceError
from digest.fetch.urls import absolute_url, canonical_url, host_of
from digest.models import Document
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext

if TYPE_CHECKING:  # bs4 and the fetcher are imported where they are used
    from bs4 import Tag

    from digest.fetch.client import Fetcher, FetchResult

log = logging.getLogger(__name__)
PAGE_TYPES = ("text/html", "application/xhtml+xml", "", "application/octet-stream")


class WebSource:
    """A site without a feed: article links from a listing page, each article page fetched."""

    kind = "web"

    class Options(BaseModel):
        """Options under `options:` for a web source."""

        model_config = ConfigDict(frozen=True, extra="forbid")
        links: str = "a[href]"  # CSS selector for the article links on the listing page
        max_articles: int = Field(default=30, ge=1)
        single: bool = False  # the location is one article, not a listing
        same_site: bool = True  # follow only links to the listing's host or `domains`

    def documents(self, source: SourceConfig, ctx: SourceContext) -> Iterator[Document]:
        """Yield one Document (raw page HTML) per new article."""
        opts = self.Options.model_validate(source.options)
        fetcher = require_fetcher(source, ctx)
        if opts.single:
            yield from _single(source, ctx, fetcher)
            return
        try:
            listing = fetcher.get(source.location, conditional=True)
        except FetchError as exc:
            raise SourceError(source.id, f"listing page failed: {exc}") from None
        if listing.not_modified:
            log.info("source %s: listing page not modified since the last run", source.id)
            return
        links = article_links(listing, opts, source)
        yield from fetch_articles(source, ctx, links)


def _single(source: SourceConfig, ctx: SourceContext, fetcher: Fetcher) -> Iterator[Document]:
    """The one article at the source's location, unless it is already stored."""
    try:
        if ctx.seen(canonical_url(source.location)):
            return
    except DigestError as exc:
        raise SourceError(source.id, str(exc)) from None
    try:
        page = fetcher.get(source.location)
    except FetchError as exc:
        raise SourceError(source.id, f"article page failed: {exc}") from None
    yield page_document(source, source.location, page)


def article_links(listing: FetchResult, opts: WebSource.Options, source: SourceConfig) -> list[str]:
    """The canonical article URLs the selector picks on the listing page, deduplicated, capped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(listing.text, "lxml")
    try:
        anchors = soup.select(opts.links)
    except ValueError as exc:
        raise SourceError(source.id, f"bad CSS selector {opts.links!r}: {exc}") from None
    hosts = {_site(host_of(listing.final_url))} | {_site(d) for d in source.domains}
    page = canonical_url(listing.final_url)
    found: dict[str, None] = {}
    for anchor in anchors:
        href = attribute(anchor, "href") if anchor.name == "a" else _inner_href(anchor)
        url = absolute_url(listing.final_url, href) if href else None
        if url is None or url == page:
            continue
        if opts.same_site and _site(host_of(url)) not in hosts:
            continue
        found.setdefault(url)
    if not found:
        raise SourceError(source.id, f"selector {opts.links!r} matched no article links")
    return list(found)[: opts.max_articles]


def require_fetcher(source: SourceConfig, ctx: SourceContext) -> Fetcher:
    """The run's fetcher, or a SourceError when the run is offline."""
    if ctx.fetcher is None:
        raise SourceError(source.id, f"a {source.kind} source needs the network (run is offline)")
    return ctx.fetcher


def fetch_articles(
    source: SourceConfig, ctx: SourceContext, urls: Iterable[str], known: dict | None = None
) -> Iterator[Document]:
    """Fetch the unseen article pages concurrently; a failed page is logged and skipped.

    `known` maps a URL to Document fields the caller already has (feed title, date...).
    """
    fresh = [u for u in dict.fromkeys(urls) if not ctx.seen(canonical_url(u))]
    for url, result in require_fetcher(source, ctx).get_many(fresh):
        if isinstance(result, FetchError):
            log.warning("source %s: skipped article %s: %s", source.id, url, result.reason)
            continue
        if result.content_type not in PAGE_TYPES:
            kind = result.content_type
            log.warning("source %s: skipped %s: not a web page (%s)", source.id, url, kind)
            continue
        yield page_document(source, url, result, **(known or {}).get(url, {}))


def page_document(source: SourceConfig, url: str, page: FetchResult, **fields) -> Document:
    """A Document holding a fetched page's HTML, with its canonical URL in meta."""
    meta = {"canonical_url": canonical_url(page.final_url), "encoding": page.encoding}
    meta.update(fields.pop("meta", {}))
    return Document(
        source_id=source.id,
        url=page.final_url,
        fetched_at=datetime.now(UTC),
        content=page.text,
        content_type="text/html",
        meta=meta,
        **fields,
    )


def attribute(tag: Tag, name: str) -> str | None:
    """One attribute of a tag as a string (a multi-valued one, like class, joined by spaces)."""
    value = tag.get(name)
    if value is None or isinstance(value, str):
        return value
    return " ".join(value)


def _inner_href(element) -> str | None:
    """The href of the first link inside a non-anchor element the selector picked."""
    inner = element.find("a", href=True)
    return inner["href"] if inner else None


def _site(host: str) -> str:
    """A host without `www.` and port, so www.example.org and example.org are one site."""
    host = urlsplit(f"//{host}").hostname or host
    return host.removeprefix("www.")
