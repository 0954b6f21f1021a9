"""The issue as an email: an HTML part with its CSS inlined for Gmail and Outlook, and plain text.

The HTML part is built from templates/email.html: a 600-pixel table layout, system fonts only, no
images and no remote resources, with every rule inlined by css-inline into `style` attributes
(the one @media rule for phones stays in a <style> block, which clients that ignore it can drop).
Gmail clips a message whose HTML is over 102 kB, so `render` logs a warning past that size.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import css_inline
import jinja2

from digest.errors import DigestError
from digest.models import Credit, Issue, Rendered
from digest.render.common import (
    TEMPLATES_DIR,
    css_color,
    environment,
    issue_url,
    linkable,
    render_template,
    template_folders,
)
from digest.settings.schema import Settings

HTML_TEMPLATE = "email.html"
TEXT_TEMPLATE = "email.txt"
GMAIL_CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" past this size of HTML
TEXT_WIDTH = 72
SUFFIX = ".email.html"  # beside the web page's ".html" in out/<week>/
# Stands for each recipient's own unsubscribe link until delivery puts it in (see mail.compose).
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/digest-recipient-link"
log = logging.getLogger(__name__)


def one_line(value: object) -> str:
    """Text with every run of whitespace (newlines included) folded to one space."""
    return " ".join(str(value).split())


def wrap(value: object, width: int = TEXT_WIDTH) -> str:
    """Text wrapped for a plain-text mail; long words such as URLs are never broken."""
    return "\n".join(
        textwrap.wrap(str(value), width, break_long_words=False, break_on_hyphens=False)
    )


def credit_text(credits: Iterable[Credit]) -> str:
    """Credits as plain text: "Sources: Name <url>, Other", the URL only when it may be linked."""
    parts = [
        f"{one_line(c.name)} <{c.url.strip()}>" if linkable(c.url) else one_line(c.name)
        for c in credits
    ]
    return f"Sources: {', '.join(parts)}" if parts else ""


@lru_cache(maxsize=4)
def mail_environment(folders: tuple[Path, ...] = (TEMPLATES_DIR,)) -> jinja2.Environment:
    """The template environment for mail: the renderers' filters plus the plain-text ones."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(environment().filters)
    env.filters.update(oneline=one_line, wrap=wrap, credit_text=credit_text)
    env.tests.update(environment().tests)
    return env


def _folders(settings: Settings | None) -> tuple[Path, ...]:
    """The template folders for these settings (the shipped ones when there are none)."""
    return (TEMPLATES_DIR,) if settings is None else template_folders(settings)


def _render(name: str, folders: tuple[Path, ...], **context: object) -> str:
    """Render one mail template, naming it when it is missing."""
    return render_template(name, mail_environment(folders), **context)


def inline_css(html_text: str) -> str:
    """Move the <style> rules into style attributes; @media rules stay in a <style> block."""
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    try:
        return inliner.inline(html_text)
    except (ValueError, css_inline.InlineError) as exc:
        raise DigestError(f"cannot inline the email's CSS: {exc}") from exc


def online_url(issue: Issue, settings: Settings | None) -> str | None:
    """The issue's web page under `site_url` (None without one), for "Read online"."""
    return None if settings is None else issue_url(issue, settings)


def html_part(
    issue: Issue,
    online: str | None = None,
    unsubscribe: str | None = None,
    settings: Settings | None = None,
) -> str:
    """The email's HTML: the issue in a table layout with every style inlined."""
    accent = css_color(issue.accent_color)
    page = _render(
        HTML_TEMPLATE,
        _folders(settings),
        issue=issue,
        accent=accent,
        online_url=online,
        unsubscribe=unsubscribe,
    )
    inlined = inline_css(page)
    size = len(inlined.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        log.warning(
            "email HTML for %s is %.1f kB; Gmail clips messages over %d kB",
            issue.week,
            size / 1024,
            GMAIL_CLIP_BYTES // 1024,
        )
    return inlined


def render_text(issue: Issue, settings: Settings | None, unsubscribe: str | None = None) -> str:
    """The plain-text part: the same issue wrapped at 72 columns, credits with bare URLs."""
    online = online_url(issue, settings)
    folders = _folders(settings)
    return _render(TEXT_TEMPLATE, folders, issue=issue, online_url=online, unsubscribe=unsubscribe)


def render(issue: Issue, settings: Settings) -> Rendered:
    """Render the issue as the email's HTML part (CSS inlined, no remote resources)."""
    html_text = html_part(issue, online_url(issue, settings), settings=settings)
    return Rendered(content=html_text, media_type="text/html", suffix=SUFFIX)


def mail_parts(issue: Issue, settings: Settings, unsubscribe: bool) -> tuple[str, str]:
    """The (text, HTML) parts for mailing, with UNSUBSCRIBE_MARK where each link goes."""
    mark = UNSUBSCRIBE_MARK if unsubscribe else None
    html_text = html_part(issue, online_url(issue, settings), mark, settings=settings)
    return render_text(issue, settings, mark), html_text
