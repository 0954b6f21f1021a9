"""Extraction on demand: the clean text of files or URLs, for checking extraction by hand."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError
from digest.extract.article import extract
from digest.fetch.client import Fetcher
from digest.fetch.records import FetchOptions
from digest.models import Extracted
from digest.sources.files import CONTENT_TYPES, read_file
from digest.weeks import now_utc


@dataclass(frozen=True)
class Extraction:
    """One target's extraction: what was asked, where it ended up, and the result or error."""

    target: str
    url: str | None
    result: Extracted | None
    error: str | None = None

    def as_record(self) -> dict:
        """The JSON record: url, title, date, date_method, date_note, language, text (or error)."""
        if self.result is None:
            return {"url": self.url, "target": self.target, "error": self.error}
        r = self.result
        return {
            "url": self.url,
            "target": self.target,
            "title": r.title,
            "date": r.published.isoformat() if r.published else None,
            "date_method": r.date_method,
            "date_note": r.date_note,
            "language": r.language,
            "text": r.text,
        }


def extract_targets(targets: Sequence[str], user_agent: str) -> Iterator[Extraction]:
    """Extract each file or http(s) URL; a failing target yields its error, never stops the rest."""
    with Fetcher(user_agent, FetchOptions(robots=False)) as fetcher:
        fetcher.guard.allow_only(targets)  # what the user names is trusted; its links are not
        for target in targets:
            try:
                yield _one(target, fetcher)
            except DigestError as exc:
                message = str(exc) or f"{target}: could not be extracted"
                yield Extraction(target, _url_of(target), None, message)


def _one(target: str, fetcher: Fetcher) -> Extraction:
    """Read or fetch one target and extract it."""
    if target.startswith(("http://", "https://")):
        from digest.settings.schema import SourceConfig
        from digest.sources.web import page_document

        page = fetcher.get(target)
        source = SourceConfig(id="extract", kind="web", location=target, name="extract")
        doc = page_document(source, target, page)
        return Extraction(target, doc.url, extract(doc))
    path = Path(target)
    if not path.is_file():
        raise DigestError(f"{target}: no such file")
    if path.suffix.lower() not in CONTENT_TYPES:
        raise DigestError(f"{target}: not a .txt, .html or .md file")
    try:
        doc = read_file(path, "extract", now_utc())
    except (OSError, ValueError) as exc:
        raise DigestError(f"{target}: {exc}") from exc
    return Extraction(target, doc.url, extract(doc))


def _url_of(target: str) -> str | None:
    return target if target.startswith(("http://", "https://")) else None
