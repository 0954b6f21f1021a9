"""The renderers' shared parts: dates, the link test, Markdown escaping, slug, templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from digest.errors import DigestError
from digest.render.common import (
    css_color,
    issue_slug,
    linkable,
    long_date,
    md_lines,
    md_url,
    render_template,
)
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
