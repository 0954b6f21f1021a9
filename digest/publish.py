"""The only writer of out/: an issue's files by ISO week, the archive index and the Atom feed."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from digest.errors import DigestError
from digest.models import Issue, Rendered
from digest.render.common import (
    issue_slug,
    render_template,
    settings_environment,
    site_link,
)
from digest.render.jsonout import FORMAT
from digest.settings.schema import Settings

WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
SUFFIX = re.compile(r"^(\.[a-z0-9]+)+$")
# The formats the archive links, in this order; others (an .eml for mailing) stay unlisted.
LABELS = {".html": "HTML", ".pdf": "PDF", ".epub": "EPUB", ".md": "Markdown", ".json": "JSON"}
MEDIA = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".md": "text/markdown",
    ".json": "application/json",
}
EMPTY_FEED_UPDATED = "1970-01-01T00:00:00Z"  # Atom needs a date even before the first issue


@dataclass(frozen=True)
class Link:
    """One file of a built issue, as the archive links it (relative to out/)."""

    href: str
    label: str
    media_type: str


@dataclass(frozen=True)
class ArchiveEntry:
    """A built issue as the archive and feed list it, read back from its JSON file."""

    id: str
    title: str
    week: str
    issue_date: date
    updated: str
    week_label: str
    story_count: int
    sections: str
    links: tuple[Link, ...]
    published: bool = False  # the editor published it, or it was mailed; else a draft

    @property
    def stories(self) -> str:
        """The story count in words that agree: "1 story", "2 stories", "no stories"."""
        return count_words(self.story_count, "story", "stories")


def count_words(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: "no stories", "1 story", "3 stories"."""
    if n == 0:
        return f"no {many}"
    return f"{n} {one if n == 1 else many}"


def write_bytes(path: Path, data: bytes) -> Path:
    """Write through a temp file in the same folder and os.replace; same bytes leave it as is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return path
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _as_bytes(rendered: Rendered) -> bytes:
    """A rendered format's content as bytes (text is UTF-8)."""
    content = rendered.content
    return content.encode("utf-8") if isinstance(content, str) else content


def write_issue(issue: Issue, rendered: dict[str, Rendered], settings: Settings) -> list[Path]:
    """Write each format to out/<ISO week>/<slug><suffix>; return the paths, in format order."""
    if not WEEK.match(issue.week):
        raise DigestError(f"issue week must look like 2025-W03, got {issue.week!r}")
    folder = settings.out_dir / issue.week
    slug = issue_slug(issue)
    paths = []
    for name, output in rendered.items():
        if not SUFFIX.match(output.suffix):
            raise DigestError(f"format '{name}' has an unusable file suffix {output.suffix!r}")
        paths.append(write_bytes(folder / f"{slug}{output.suffix}", _as_bytes(output)))
    return paths


def _links(json_path: Path, settings: Settings) -> tuple[Link, ...]:
    """The files built beside an issue's JSON (same stem), HTML first, as archive links."""
    stem = json_path.name.removesuffix(".json")
    out_dir = settings.out_dir
    order = list(LABELS)
    found = [p for p in json_path.parent.iterdir() if p.name.startswith(stem + ".")]
    found = [p for p in found if not p.name.startswith(".") and p.name[len(stem) :] in LABELS]
    found.sort(key=lambda p: order.index(p.name[len(stem) :]))
    return tuple(
        Link(
            href=site_link(settings, quote(p.relative_to(out_dir).as_posix())),
            label=LABELS[p.name[len(stem) :]],
            media_type=MEDIA[p.name[len(stem) :]],
        )
        for p in found
    )


def read_entry(
    json_path: Path, settings: Settings, published: Collection[str] = ()
) -> ArchiveEntry:
    """One archive entry from an issue JSON the json renderer wrote; DigestError if it is not."""
    try:
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format is {doc.get('format')!r}, not {FORMAT!r}")
        head = doc["issue"]
        day = date.fromisoformat(head["issue_date"])
        sections = ", ".join(
            f"{s['heading'].capitalize()} ({len(s['stories'])})" for s in head["sections"]
        )
        midnight = datetime.combine(day, time(0, 0), settings.zone)
        return ArchiveEntry(
            id=f"urn:digest:{doc['slug']}",
            title=head["title"],
            week=head["week"],
            issue_date=day,
            updated=midnight.isoformat(),
            week_label=head["week_label"],
            story_count=int(doc["story_count"]),
            sections=sections,
            links=_links(json_path, settings),
            published=head["week"] in published,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DigestError(f"{json_path}: not a readable issue file ({exc})") from exc


def read_archive(settings: Settings, published: Collection[str] = ()) -> list[ArchiveEntry]:
    """Every issue with content built under out/, found by its JSON file, newest first;
    `published` weeks marked so. An issue built empty (`build --allow-empty`) is not listed."""
    out = settings.out_dir
    files = sorted(p for p in out.glob("*/*.json") if WEEK.match(p.parent.name))
    entries = [read_entry(p, settings, published) for p in files if not p.name.startswith(".")]
    entries = [e for e in entries if e.story_count > 0]
    return sorted(entries, key=lambda e: (e.issue_date, e.week, e.id), reverse=True)


def remove_issue(settings: Settings, week: str, published: Collection[str] = ()) -> list[Path]:
    """Delete a built issue's folder out/<week>/ and rewrite the archive and feed without it.

    Returns the files deleted; DigestError when the week is malformed or nothing was built.
    """
    if not WEEK.match(week):
        raise DigestError(f"issue week must look like 2025-W03, got {week!r}")
    folder = settings.out_dir / week
    if not folder.is_dir():
        raise DigestError(f"no built issue of {week} in {settings.out_dir}")
    removed = sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    shutil.rmtree(folder)
    write_archive(settings, published)
    return removed


def write_archive(settings: Settings, published: Collection[str] = ()) -> list[Path]:
    """Write out/index.html (published issues, then drafts) and out/feed.xml (Atom, published).

    `published` holds the weeks whose issue went out (published by the editor or mailed: see
    store.editing.published_weeks); the feed lists only those, the index marks the rest drafts.
    """
    entries = read_archive(settings, published)
    shown = [e for e in entries if e.published]
    d = settings.digest
    context: dict[str, Any] = dict(
        title=d.title,
        publisher=d.publisher,
        language=d.language,
        accent_color=d.accent_color,
        entries=entries,
        published=shown,
        drafts=[e for e in entries if not e.published],
        feed_id="urn:digest:" + (re.sub(r"[^a-z0-9]+", "-", d.title.lower()).strip("-") or "feed"),
        updated=shown[0].updated if shown else EMPTY_FEED_UPDATED,
        feed_url=site_link(settings, "feed.xml"),
        index_url=site_link(settings, "index.html"),
    )
    out = settings.out_dir
    index = render_template("index.html", settings_environment(settings), **context)
    feed = render_template("feed.xml", settings_environment(settings), **context)
    return [
        write_bytes(out / "index.html", index.encode("utf-8")),
        write_bytes(out / "feed.xml", feed.encode("utf-8")),
    ]
