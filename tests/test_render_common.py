"""The renderers' shared parts: dates, the link test, Markdown escaping, slug, templates."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from digest.errors import DigestError
from digest.render import html, markdown, pdf
from digest.render.common import (
    css_color,
    issue_slug,
    linkable,
    long_date,
    md_lines,
    md_url,
    render_template,
)
from tests.conftest import make_settings
from tests.issue_factory import make_issue


def test_long_date_is_the_reviews_form_in_any_locale():
    assert long_date(date(2025, 1, 5)) == "January 5, 2025"
    assert long_date(None) == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("https:///no-host", False),
        ("//example.org/x", False),
        (None, False),
    ],
)
def test_only_http_urls_with_a_host_are_linkable(url, expected):
    assert linkable(url) is expected


def test_markdown_url_encodes_what_would_end_the_link():
    assert md_url("https://example.org/a b(c)") == "https://example.org/a%20b%28c%29"
    with pytest.raises(DigestError, match="non-http"):
        md_url("javascript:alert(1)")


def test_sign_off_keeps_its_lines_in_markdown():
    assert md_lines("Best *regards*,\n\n  the team ") == "Best \\*regards\\*,\\\nthe team"


def test_css_colour_accepts_only_hex():
    assert css_color("#AB12cd") == "#AB12cd"
    with pytest.raises(DigestError):
        css_color("red;}")


def test_slug_comes_from_digest_title_and_issue_date():
    issue = make_issue()
    assert issue_slug(issue) == "belarus-review-2025-01-20"
    assert issue_slug(replace(issue, digest_title="Ўсход: Weekly!")) == "weekly-2025-01-20"


def test_a_missing_template_is_named():
    with pytest.raises(DigestError, match="template 'nope.html' is missing"):
        render_template("nope.html")


def test_an_editors_templates_dir_overrides_single_templates(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "issue.md").write_text("# Our own layout for {{ issue.digest_title }}\n", "utf-8")
    (mine / "issue.pdf.css").write_text("@page { size: A5 }\n", "utf-8")
    settings = make_settings(tmp_path, "templates_dir: mine\n")
    issue = make_issue()
    assert markdown.render(issue, settings).content.startswith("# Our own layout for")
    assert "MILITARY" in html.render(issue, settings).content.upper()  # not overridden: shipped
    data = pdf.render(issue, settings).content
    reader = PdfReader(io.BytesIO(data))
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 148  # A5 from the editor's stylesheet, not the shipped A4


def test_a_missing_templates_dir_is_named(tmp_path):
    settings = make_settings(tmp_path, "templates_dir: nowhere\n")
    with pytest.raises(DigestError, match="templates_dir is not a folder"):
        markdown.render(make_issue(), settings)
