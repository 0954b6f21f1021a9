"""One page laid out by WeasyPrint: the job (page, day, the asset folders it may read), the asset
fetcher that serves those folders only, the clock pinned to the issue's day (same page and day,
same bytes)."""

from __future__ import annotations

import logging
import mimetypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

from digest.errors import DigestError
from digest.resources import templates_dir

PDF_VARIANT = "pdf/ua-1"  # tagged, for screen readers
log = logging.getLogger(__name__)
_EPOCH_LOCK = threading.Lock()


@dataclass(frozen=True)
class PdfJob:
    """What a PDF is made from: the page's HTML, the issue's day, the files it may load."""

    page: str
    day: date
    roots: tuple[Path, ...]  # template folders, the editor's first
    files: tuple[Path, ...] = ()  # single files besides (the logo)

    def as_message(self) -> dict:
        """The job as JSON-ready values, for the worker process."""
        return {
            "page": self.page,
            "day": self.day.isoformat(),
            "roots": [str(p) for p in self.roots],
            "files": [str(p) for p in self.files],
        }

    @classmethod
    def from_message(cls, message: dict) -> PdfJob:
        """The job that as_message wrote."""
        return cls(
            page=message["page"],
            day=date.fromisoformat(message["day"]),
            roots=tuple(Path(p) for p in message["roots"]),
            files=tuple(Path(p) for p in message["files"]),
        )


def load_weasyprint() -> ModuleType:
    """Import WeasyPrint, or say by name that PDF output needs Pango and why it is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise DigestError(f"PDF output needs Pango (WeasyPrint): {exc}") from exc
    return weasyprint


def lay_out(job: PdfJob, weasyprint: ModuleType) -> bytes:
    """The job's PDF bytes, loading only the job's own assets."""
    return pdf_bytes(job.page, job.day, weasyprint, asset_fetcher(job.roots, job.files))


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
    base = templates_dir().as_uri() + "/"
    try:
        document = weasyprint.HTML(string=page, base_url=base, url_fetcher=fetcher)
        with fixed_clock(day):
            return document.write_pdf(pdf_identifier=None, pdf_variant=PDF_VARIANT)
    except Exception as exc:  # WeasyPrint raises many kinds; report them as one
        raise DigestError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
