"""The issue as one self-contained HTML page: styles inlined, logo embedded, nothing remote."""

from __future__ import annotations

import jinja2

from digest.models import Issue, Rendered
from digest.render.common import logo_data_uri, render_template, settings_environment
from digest.settings.schema import Settings


def page(
    issue: Issue,
    logo: str | None = None,
    print_stylesheet: str | None = None,
    env: jinja2.Environment | None = None,
) -> str:
    """The issue's HTML text; the PDF renderer passes its own logo URL and print stylesheet."""
    return render_template(
        "issue.html", env, issue=issue, logo=logo, print_stylesheet=print_stylesheet
    )


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as a standalone HTML page readable from out/ with no server."""
    return Rendered(
        content=page(issue, logo_data_uri(issue, settings), env=settings_environment(settings)),
        media_type="text/html",
        suffix=".html",
    )
