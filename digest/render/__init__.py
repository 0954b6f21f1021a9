"""The output formats: each module's `render(issue, settings) -> Rendered`, by format name."""

from __future__ import annotations

from collections.abc import Callable

from digest.models import Issue, Rendered
from digest.render import email, epub, html, jsonout, markdown, pdf
from digest.settings.schema import Settings

FORMATS: dict[str, Callable[[Issue, Settings], Rendered]] = {
    "html": html.render,
    "pdf": pdf.render,
    "md": markdown.render,
    "json": jsonout.render,
    "email": email.render,
    "epub": epub.render,
}
