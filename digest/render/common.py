"""What the renderers share: the Jinja2 environment over the templates (the editor's folder first,
then the shipped ones), its filters, the slug."""

from __future__ import annotations

import base64
import mimetypes
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeGuard
from urllib.parse import quote, urljoin, urlsplit

import jinja2

from digest.errors import DigestError
from digest.models import Issue
from digest.resources import templates_dir
from digest.settings.schema import Settings
from digest.weeks import format_day

TEMPLATES_DIR = templates_dir()
LINK_SCHEMES = ("http", "https")
_MD_INLINE = re.compile(r"([\\`*_\[\]!|~])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([#>+=-])")
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/gif", "image/webp"}


def long_date(value: date | datetime | None) -> str:
    """A date as the review prints it, "January 20, 2025", the same in every locale."""
    return "" if value is None else format_day(value)


def linkable(url: str | None) -> TypeGuard[str]:
    """Whether a credit URL may become a link: only absolute http(s) URLs with a host."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


def md_text(value: object) -> str:
    """Plain text made inert in Markdown: HTML specials as entities, Markdown marks escaped."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_lines(value: object) -> str:
    """Multi-line plain text (a sign-off) made inert in Markdown, its line breaks kept."""
    lines = [md_text(line) for line in str(value).splitlines() if line.strip()]
    return "\\\n".join(lines)


def md_url(url: str) -> str:
    """A linkable URL fit for a Markdown link destination (no spaces, brackets or quotes)."""
    if not linkable(url):
        raise DigestError(f"refusing to link a non-http(s) URL in Markdown: {url!r}")
    return quote(url.strip(), safe="/:?#[]@!$&'*+,;=%-._~").replace("(", "%28").replace(")", "%29")


def css_color(value: str) -> str:
    """A colour fit to place in CSS: only #rrggbb, because anything else could break out."""
    if not _HEX_COLOR.match(value or ""):
        raise DigestError(f"accent colour must be #rrggbb, got {value!r}")
    return value


def issue_slug(issue: Issue) -> str:
    """The file name stem of an issue, e.g. "belarus-review-2025-01-20"."""
    stem = re.sub(r"[^a-z0-9]+", "-", issue.digest_title.lower()).strip("-") or "digest"
    return f"{stem}-{issue.issue_date.isoformat()}"


def template_folders(settings: Settings) -> tuple[Path, ...]:
    """Where templates are looked up: the configured `templates_dir` first, then the shipped."""
    if settings.templates_dir is None:
        return (TEMPLATES_DIR,)
    folder = settings.path(settings.templates_dir).resolve()
    if not folder.is_dir():
        raise DigestError(f"templates_dir is not a folder: {folder}")
    return (folder, TEMPLATES_DIR)


def settings_environment(settings: Settings) -> jinja2.Environment:
    """The HTML/XML environment over the templates that these settings select."""
    return environment(template_folders(settings))


@lru_cache(maxsize=4)
def environment(folders: tuple[Path, ...] = (TEMPLATES_DIR,)) -> jinja2.Environment:
    """The Jinja2 environment: strict undefineds, autoescape for HTML and XML, our filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(longdate=long_date, md=md_text, md_lines=md_lines, md_url=md_url)
    env.filters["css_color"] = css_color
    env.tests["linkable"] = linkable
    return env


def render_template(name: str, env: jinja2.Environment | None = None, **context: object) -> str:
    """Render one template from templates/ (in `env`, else the HTML environment)."""
    try:
        return (env or environment()).get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise DigestError(f"template '{name}' is missing from {TEMPLATES_DIR}") from exc


def asset_text(name: str, folders: tuple[Path, ...] = (TEMPLATES_DIR,)) -> str:
    """The text of a template asset (a stylesheet), from the first folder that has it."""
    path = next((f / name for f in folders if (f / name).is_file()), folders[-1] / name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DigestError(f"cannot read template asset {path}: {exc.strerror}") from exc


def logo_path(issue: Issue, settings: Settings) -> Path | None:
    """The issue's logo file resolved against the config folder, checked to exist."""
    if not issue.logo:
        return None
    path = settings.path(issue.logo).resolve()
    if not path.is_file():
        raise DigestError(f"logo file not found: {path}")
    if mimetypes.guess_type(path.name)[0] not in _LOGO_TYPES:
        raise DigestError(f"logo must be a PNG, JPEG, GIF, WebP or SVG image: {path}")
    return path


def logo_data_uri(issue: Issue, settings: Settings) -> str | None:
    """The logo as a data: URI so the HTML page needs no other file."""
    path = logo_path(issue, settings)
    if path is None:
        return None
    kind = mimetypes.guess_type(path.name)[0]
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def site_link(settings: Settings, href: str) -> str:
    """A path under out/ as the reader follows it: absolute under `site_url`, else relative."""
    return urljoin(settings.site_url, href) if settings.site_url else href


def issue_url(issue: Issue, settings: Settings) -> str | None:
    """The absolute address of an issue's HTML page under `site_url`; None without one."""
    if not settings.site_url:
        return None
    return site_link(settings, quote(f"{issue.week}/{issue_slug(issue)}.html"))
