"""The issue as Markdown: the same structure, credits linked only where the policy allows."""

from __future__ import annotations

import re

from digest.models import Issue, Rendered
from digest.render.common import render_template, settings_environment
from digest.settings.schema import Settings

_EXTRA_BLANKS = re.compile(r"\n{3,}")


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as CommonMark text with untrusted text escaped."""
    text = render_template("issue.md", settings_environment(settings), issue=issue)
    text = _EXTRA_BLANKS.sub("\n\n", text).strip() + "\n"
    return Rendered(content=text, media_type="text/markdown", suffix=".md")
