"""Documents to Items: extract articles, split past issues into labelled paragraphs."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, time

from digest.errors import DigestError
from digest.extract.article import decode, extract
from digest.extract.textonly import plain_text, plain_title
from digest.fetch.urls import canonical_url
from digest.ingest.pastissue import PastIssue, html_blocks, looks_like_issue, parse_issue
from digest.models import WEEK_START_NOTE, Document, Item
from digest.settings.schema import Settings


def to_items(doc: Document, settings: Settings) -> list[Item]:
    """The items a document holds: the paragraphs of a past issue, or one extracted article."""
    text = _as_text(doc) if _may_be_issue(doc) else ""
    if text and looks_like_issue(text, settings.sections):
        return past_issue_items(doc, parse_issue(text, settings.sections))
    return [article_item(doc)]


def article_item(doc: Document) -> Item:
    """One article: clean text, title, date (with how it was found) and language."""
    found = extract(doc)
    text = plain_text(found.text)
    return Item(
        source_id=doc.source_id,
        url=doc.url,
        canonical_url=doc.meta.get("canonical_url") or _canonical(doc.url),
        title=plain_title(found.title),
        text=text,
        published=found.published,
        date_method=found.date_method,
        date_note=found.date_note,
        content_hash=content_hash(text),
        fetched_at=doc.fetched_at,
        language=doc.meta.get("language") or found.language,
        outlet=plain_title(doc.meta.get("outlet")),
    )


def past_issue_items(doc: Document, issue: PastIssue) -> list[Item]:
    """One item per paragraph of a past issue, labelled with its section by the editors."""
    items = []
    previous, section = None, None  # an undated paragraph continues the one before it
    for n, para in enumerate(issue.paragraphs, start=1):
        text = plain_text(para.text)
        if para.section != section:
            previous, section = None, para.section
        day = para.day or previous or issue.week.monday
        previous = day
        if para.day:
            note = "the date the paragraph opens with"
        elif day != issue.week.monday:
            note = "no date in the paragraph: the date of the one before it in its section"
        else:
            note = WEEK_START_NOTE
        items.append(
            Item(
                source_id=doc.source_id,
                url=f"{doc.url}#p{n}" if doc.url else None,
                canonical_url=None,
                title=None,
                text=text,
                published=datetime.combine(day, time(12), tzinfo=UTC),
                date_method="issue",
                date_note=f"{note}; issue of {issue.issue_date.isoformat()} ({issue.week})",
                content_hash=content_hash(text),
                fetched_at=doc.fetched_at,
                language=None,
                outlet=plain_title(doc.meta.get("outlet")),
                origin="past_issue",
                issue_week=issue.week.label,
                section_override=para.section,
            )
        )
    return items


def _may_be_issue(doc: Document) -> bool:
    """Only local files are read as possible past issues (feeds and pages are articles)."""
    return doc.path is not None


def content_hash(text: str) -> str:
    """A hash of the text with case and white space folded: the same report hashes the same."""
    folded = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _canonical(url: str | None) -> str | None:
    """The canonical form of a URL; None for no URL or one that is not absolute http(s)."""
    if not url:
        return None
    try:
        return canonical_url(url)
    except DigestError:
        return None


def _as_text(doc: Document) -> str:
    """The document as text blocks, for recognising a past issue (a web page: its blocks)."""
    text = doc.content if isinstance(doc.content, str) else decode(doc.content)
    return html_blocks(text) if doc.content_type == "text/html" else text
