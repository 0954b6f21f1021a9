"""The issue as an EPUB 3 book for e-readers: a title page, one XHTML file per section, a closing.

The navigation document (nav.xhtml) and the EPUB 2 NCX both list the issue's contents, so a
reader's table of contents is the issue's. The zip is written by hand with the standard library
rather than an EPUB library, because every entry must carry a fixed time (the issue date) for
the same issue to give the same bytes: `mimetype` first and stored, the rest deflated.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, time
from functools import lru_cache
from pathlib import Path

import jinja2

from digest.models import Issue, IssueSection, Rendered
from digest.render.common import (
    TEMPLATES_DIR,
    asset_text,
    environment,
    issue_slug,
    template_folders,
)
from digest.settings.schema import Settings

MEDIA_TYPE = "application/epub+zip"
FOLDER = "EPUB"
CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
# Characters XML 1.0 forbids; text from sources could carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: object) -> object:
    """Drop characters XML cannot hold from every value a template prints."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


@lru_cache(maxsize=4)
def epub_environment(folders: tuple[Path, ...] = (TEMPLATES_DIR,)) -> jinja2.Environment:
    """The templates of templates/epub/: XML-escaped, XML-safe, with the renderers' filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([f / "epub" for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_xml_safe,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(environment().filters)
    env.tests.update(environment().tests)
    return env


def section_file(section: IssueSection) -> str:
    """The XHTML file that holds one section."""
    return f"section-{section.number:02d}-{section.id}.xhtml"


def files(issue: Issue, folders: tuple[Path, ...] = (TEMPLATES_DIR,)) -> list[tuple[str, str]]:
    """Every file of the book, by its path in the zip, in the order they are written."""
    env = epub_environment(folders)
    stamp = datetime.combine(issue.issue_date, time(0, 0), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"issue": issue, "section_file": section_file, "identifier": _identifier(issue)}

    def page(kind: str, heading: str, section: IssueSection | None = None) -> str:
        return env.get_template("page.xhtml").render(
            common, kind=kind, heading=heading, section=section
        )

    found = [
        ("META-INF/container.xml", CONTAINER),
        (f"{FOLDER}/content.opf", env.get_template("content.opf").render(common, modified=stamp)),
        (f"{FOLDER}/nav.xhtml", env.get_template("nav.xhtml").render(common)),
        (f"{FOLDER}/toc.ncx", env.get_template("toc.ncx").render(common)),
        (f"{FOLDER}/style.css", asset_text("epub/style.css", folders)),
        (f"{FOLDER}/front.xhtml", page("front", issue.title)),
    ]
    for section in issue.sections:
        title = f"{section.number}. {section.heading}"
        found.append((f"{FOLDER}/{section_file(section)}", page("section", title, section)))
    found.append((f"{FOLDER}/closing.xhtml", page("closing", "Note and sign-off")))
    return found


def _identifier(issue: Issue) -> str:
    """The book's stable identifier: the same for every build of the same issue."""
    return f"urn:digest:{issue_slug(issue)}"


def epub_bytes(issue: Issue, folders: tuple[Path, ...] = (TEMPLATES_DIR,)) -> bytes:
    """The zip: `mimetype` stored first, then every file deflated, all dated the issue's day."""
    when = (issue.issue_date.year, issue.issue_date.month, issue.issue_date.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(_entry("mimetype", when, zipfile.ZIP_STORED), MEDIA_TYPE)
        for name, text in files(issue, folders):
            book.writestr(_entry(name, when, zipfile.ZIP_DEFLATED), text.encode("utf-8"))
    return buffer.getvalue()


def _entry(name: str, when: tuple[int, ...], method: int) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, fixed permissions and no extra fields."""
    info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
    info.compress_type = method
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever system builds it
    return info


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as an EPUB 3 file whose table of contents is the issue's contents."""
    book = epub_bytes(issue, template_folders(settings))
    return Rendered(content=book, media_type=MEDIA_TYPE, suffix=".epub")
