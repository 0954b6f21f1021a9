"""The issue as an A4 PDF through WeasyPrint, loading only the project's own assets.

The PDF is tagged as PDF/UA-1 (WeasyPrint's "pdf/ua-1" variant): a structure tree of headings,
lists, paragraphs and links for screen readers, the language, the title shown as the window's
title, and the PDF/UA identifier in its XMP metadata. The page is made here; typeset.pdf lays it
out, in this process (render) or in a worker process (job, for the build).
"""

from __future__ import annotations

from digest.models import Issue, Rendered
from digest.render import html
from digest.render.common import logo_path, settings_environment, template_folders
from digest.settings.schema import Settings
from digest.typeset.pdf import PdfJob, lay_out, load_weasyprint

PRINT_STYLESHEET = "issue.pdf.css"
MEDIA_TYPE, SUFFIX = "application/pdf", ".pdf"


def job(issue: Issue, settings: Settings) -> PdfJob:
    """What the issue's PDF is laid out from: its print page and the assets it may load."""
    logo = logo_path(issue, settings)
    env = settings_environment(settings)
    logo_url = logo.as_uri() if logo else None
    page = html.page(issue, logo_url, print_stylesheet=PRINT_STYLESHEET, env=env)
    return PdfJob(page, issue.issue_date, template_folders(settings), (logo,) if logo else ())


def rendered(data: bytes) -> Rendered:
    """PDF bytes as the format's output."""
    return Rendered(data, MEDIA_TYPE, SUFFIX)


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as a paginated PDF with contents, bookmarks, metadata, embedded fonts."""
    weasyprint = load_weasyprint()
    return rendered(lay_out(job(issue, settings), weasyprint))
