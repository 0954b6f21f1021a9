"""The issue as an A4 PDF through WeasyPrint, loading only the project's own assets.

The PDF is tagged as PDF/UA-1 (WeasyPrint's "pdf/ua-1" variant): a structure tree of headings,
lists, paragraphs and links for screen readers, the language, the title shown as the window's
title, and the PDF/UA identifier in its XMP metadata.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

from digest.errors import DigestError
from digest.models import Issue, Rendered
from digest.render import html
from digest.render.common import TEMPLATES_DIR, logo_path, settings_environment, template_folders
from digest.settings.schema import Settings

PRINT_STYLESHEET = "issue.pdf.css"
PDF_VARIANT = "pdf/ua-1"  # tagged, for screen readers
log = logging.getLogger(__name__)
_EPOCH_LOCK = threading.Lock()


def load_weasyprint() -> ModuleType:
    """Import WeasyPrint, or say by name that PDF output needs Pango and why it is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise DigestError(f"PDF output needs Pango (WeasyPrint): {exc}") from exc
    return weasyprint


def asset_fetcher(roots: tuple[Path, ...], files: tuple[Path, ...] = ()) -> object:
    """A WeasyPrint URL fetcher serving files under `roots` (and the exact `files`) only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed_roots = tuple(r.resolve() for r in roots)  # the first root that has a name wins
    allowed_files = frozenset(f.resolve() for f in files)

    class AssetFetcher(URLFetcher):
        """Refuses http(s), data: and file: URLs outside the project's assets."""

        refused: list[str]

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            """Serve an allowed local asset; raise ValueError (WeasyPrint skips it) otherwise."""
            path = _allowed_path(url, allowed_roots, allowed_files)
            if path is None:
                self.refused.append(url)
                log.warning("PDF renderer refused to load %s", url[:200])
                raise ValueError(f"refused to load {url[:200]}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    fetcher = AssetFetcher(timeout=1, allowed_protocols=("file",), allow_redirects=False)
    fetcher.refused = []
    return fetcher


def _allowed_path(url: str, roots: tuple[Path, ...], files: frozenset[Path]) -> Path | None:
    """The local file a file:// URL names, if it is an allowed asset; else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if path in files:
        return path if path.is_file() else None
    for root in roots:
        if path.is_relative_to(root):
            name = path.relative_to(root)
            found = (r / name for r in roots if (r / name).is_file())
            return next(found, None)
    return None


@contextmanager
def fixed_clock(day: date) -> Iterator[None]:
    """Pin SOURCE_DATE_EPOCH to `day` so embedded font subsets carry that date, not now."""
    epoch = int(datetime.combine(day, time(0, 0), UTC).timestamp())
    with _EPOCH_LOCK:
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            yield
        finally:
            if saved is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved


def pdf_bytes(page: str, day: date, weasyprint: ModuleType, fetcher: object) -> bytes:
    """Lay out an HTML page with the fetcher; the same page and day give the same bytes."""
    base = TEMPLATES_DIR.as_uri() + "/"
    try:
        document = weasyprint.HTML(string=page, base_url=base, url_fetcher=fetcher)
        with fixed_clock(day):
            return document.write_pdf(pdf_identifier=None, pdf_variant=PDF_VARIANT)
    except Exception as exc:  # WeasyPrint raises many kinds; report them as one
        raise DigestError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as a paginated PDF with contents, bookmarks, metadata, embedded fonts."""
    weasyprint = load_weasyprint()
    logo = logo_path(issue, settings)
    folders = template_folders(settings)
    fetcher = asset_fetcher(folders, (logo,) if logo else ())
    logo_url = logo.as_uri() if logo else None
    env = settings_environment(settings)
    page = html.page(issue, logo_url, print_stylesheet=PRINT_STYLESHEET, env=env)
    return Rendered(
        pdf_bytes(page, issue.issue_date, weasyprint, fetcher), "application/pdf", ".pdf"
    )
