"""RSS and Atom feeds: each entry's content, or its page when the feed gives only a teaser."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from digest.errors import FetchError, SourceError
from digest.fetch.urls import absolute_url
from digest.models import Document
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext
from digest.sources.web import fetch_articles, require_fetcher

if TYPE_CHECKING:  # feedparser, bs4 and the fetcher are imported where they are used
    from digest.fetch.client import FetchResult

log = logging.getLogger(__name__)
# A summary that ends like this was cut short by the feed: the page has the rest.
_TRUNCATED = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|далее)\W*$", re.I)
_XML_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", re.I)


class RssSource:
    """A feed: entries with full content become Documents; teasers get their page fetched."""

    kind = "rss"

    class Options(BaseModel):
        """Options under `options:` for a feed source."""

        model_config = ConfigDict(frozen=True, extra="forbid")
        full_text: Literal["auto", "always", "never"] = "auto"
        min_chars: int = Field(default=500, ge=0)  # shorter entry text counts as a teaser
        max_items: int = Field(default=100, ge=1)

    def documents(self, source: SourceConfig, ctx: SourceContext) -> Iterator[Document]:
        """Yield one Document per new entry (entry HTML, or the page HTML for teasers)."""
        opts = self.Options.model_validate(source.options)
        try:
            result = require_fetcher(source, ctx).get(source.location, feed=True, conditional=True)
        except FetchError as exc:
            raise SourceError(source.id, f"feed failed: {exc}") from None
        if result.not_modified:
            log.info("source %s: feed not modified since the last run", source.id)
            return
        entries = [_entry(e, result.final_url) for e in parse_feed(source.id, result).entries]
        entries = [e for e in entries if _wanted(e, ctx)][: opts.max_items]
        pages = {e["link"]: e for e in entries if e["link"] and _needs_page(e, opts)}
        for entry in entries:
            if entry["link"] not in pages:
                yield _entry_document(source, entry)
        known = {link: _known_fields(e) for link, e in pages.items()}
        yield from fetch_articles(source, ctx, list(pages), known)


def parse_feed(source_id: str, result: FetchResult) -> Any:
    """Parse fetched feed text with feedparser; SourceError when it is not a usable feed."""
    text = _XML_ENCODING.sub(r"\1", result.text, count=1)
    headers = {"content-type": "application/xml; charset=utf-8"}
    headers["content-location"] = result.final_url
    # Our renderers escape all text and extraction re-parses HTML: skip feedparser's own pass.
    import feedparser

    parsed = feedparser.parse(
        text.encode("utf-8"),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    usable = [e for e in parsed.entries if e.get("link") or e.get("title")]
    if usable and parsed.bozo:
        log.warning("source %s: feed has XML errors: %s", source_id, parsed.bozo_exception)
    if usable or (parsed.version and not parsed.bozo):
        return parsed  # entries, or a well-formed feed that is empty today
    head = result.text[:2000].lower()
    if "<html" in head or "<!doctype html" in head:
        from bs4 import BeautifulSoup

        title = BeautifulSoup(result.text, "lxml").title
        named = f" titled {title.get_text(strip=True)!r}" if title else ""
        raise SourceError(source_id, f"{result.final_url} is an HTML page{named}, not a feed")
    problem = parsed.get("bozo_exception") or "no RSS or Atom elements"
    raise SourceError(source_id, f"{result.final_url} is not a readable feed: {problem}")


def _entry(entry: Any, feed_url: str) -> dict[str, Any]:
    """The fields of one feed entry we use, as plain values."""
    link = entry.get("link")
    contents = [c for c in entry.get("content", []) if c.get("value")]
    body = max((c["value"] for c in contents), key=len, default="")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return {
        "link": absolute_url(feed_url, link) if link else None,
        "title": entry.get("title") or None,
        "author": entry.get("author") or None,
        "published": _utc(stamp) if stamp else None,
        "content": body,
        "summary": entry.get("summary") or "",
        "id": entry.get("id") or link,
    }


def _utc(stamp: time.struct_time) -> datetime:
    """A feedparser time tuple (feedparser gives UTC) as an aware datetime, to the second."""
    year, month, day, hour, minute, second = stamp[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _wanted(entry: dict[str, Any], ctx: SourceContext) -> bool:
    """An entry inside the time window, with something to read, not already stored."""
    if ctx.since and entry["published"] and entry["published"] < ctx.since:
        return False
    if not (entry["link"] or entry["content"] or entry["summary"]):
        return False
    return not (entry["link"] and ctx.seen(entry["link"]))


def _needs_page(entry: dict[str, Any], opts: RssSource.Options) -> bool:
    """Whether the entry's text is only a teaser, so its page must be fetched."""
    from bs4 import BeautifulSoup

    if opts.full_text != "auto":
        return opts.full_text == "always"
    html = entry["content"] or entry["summary"]
    text = BeautifulSoup(html, "lxml").get_text(" ", strip=True) if html else ""
    return len(text) < opts.min_chars or bool(_TRUNCATED.search(text))


def _known_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """What the feed says about an entry whose page is fetched: kept on its Document."""
    meta = {"feed_entry_id": entry["id"], "full_text": "page", "summary": entry["summary"]}
    fields = {k: entry[k] for k in ("title", "author", "published")}
    return {**fields, "meta": meta}


def _entry_document(source: SourceConfig, entry: dict[str, Any]) -> Document:
    """A Document whose content is the entry's own HTML."""
    return Document(
        source_id=source.id,
        url=entry["link"],
        fetched_at=datetime.now(UTC),
        content=entry["content"] or entry["summary"],
        content_type="text/html",
        title=entry["title"],
        published=entry["published"],
        author=entry["author"],
        # The entry's own markup is the report: read as it is, not as a page with chrome.
        meta={
            "feed_entry_id": entry["id"],
            "full_text": "entry",
            "canonical_url": entry["link"],
            "own_text": True,
        },
    )
