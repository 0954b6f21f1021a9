"""The email renderer: inlined CSS, table layout, no remote resources, size, the text part."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.errors import DigestError
from digest.render import email
from tests.issue_factory import hostile_issue, make_issue, make_settings

REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


def rendered_soup(issue, tmp_path: Path) -> tuple[str, BeautifulSoup]:
    """Render an issue's email HTML and parse it."""
    result = email.render(issue, make_settings(tmp_path))
    assert result.media_type == "text/html" and result.suffix == ".email.html"
    return result.content, BeautifulSoup(result.content, "html.parser")


def test_styles_are_inlined_and_only_the_phone_rule_stays_in_a_style_block(tmp_path):
    html, soup = rendered_soup(make_issue(), tmp_path)
    assert soup.find("h1")["style"].count("font-size: 26px") == 1
    assert "#8b1e2d" in soup.find("h2")["style"]
    styles = soup.find_all("style")
    assert len(styles) == 1 and styles[0].get_text().lstrip().startswith("@media")
    assert ".paragraph {" not in html  # class rules were moved into attributes


def test_layout_is_presentation_tables_600_wide_with_system_fonts(tmp_path):
    _, soup = rendered_soup(make_issue(), tmp_path)
    container = soup.find("table", class_="container")
    assert container["width"] == "600" and container["role"] == "presentation"
    assert all(t["role"] == "presentation" for t in soup.find_all("table"))
    assert "@font-face" not in str(soup) and "@import" not in str(soup)
    assert soup.find("div") is not None  # the hidden preheader
    assert soup.html["lang"] == "en"


def test_issue_structure_in_order_with_credits_and_link_policy(tmp_path):
    _, soup = rendered_soup(make_issue(), tmp_path)
    assert soup.find("h1").get_text() == "Belarus Review — January 20, 2025"
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert headings == [
        "MILITARY DEVELOPMENTS",
        "POLITICAL DEVELOPMENTS",
        "HUMAN RIGHTS SITUATION AND INTERNATIONAL RESPONSE",
        "PROPAGANDA",
    ]
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links["Viasna"] == "https://example.org/viasna/pardons"
    assert "BelTA" not in links  # link: false, so named only
    assert soup.find("span", class_="unlinked", string="BelTA") is not None
    assert "Łukašenka" in soup.get_text() and "Лукашэнка" in soup.get_text()
    assert "January 13–19, 2025" in soup.get_text()
    assert "the iSANS team" in soup.find("p", class_="sign-off").get_text()


def test_nothing_remote_no_script_and_hostile_text_is_inert(tmp_path):
    html, soup = rendered_soup(hostile_issue(), tmp_path)
    assert soup.find("script") is None and soup.find("img") is None
    assert soup.find("link") is None and soup.find("iframe") is None
    for tag in soup.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), tag.name
        for attr in ("src", "background", "srcset"):
            assert attr not in tag.attrs, (tag.name, attr)
        if tag.name != "a":
            assert "href" not in tag.attrs
    assert all(a["href"].startswith("https://") for a in soup.find_all("a"))
    assert "url(" not in html
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_forty_paragraph_issue_is_under_gmail_clip_size(tmp_path):
    issue = make_issue(per_section=10)
    assert issue.story_count == 40
    html, _ = rendered_soup(issue, tmp_path)
    size = len(html.encode("utf-8"))
    assert 20_000 < size < email.GMAIL_CLIP_BYTES, size


def test_oversized_issue_warns_about_gmail_clipping(tmp_path, caplog):
    html, _ = rendered_soup(make_issue(per_section=160), tmp_path)
    assert len(html.encode("utf-8")) > email.GMAIL_CLIP_BYTES
    assert "Gmail clips" in caplog.text


def test_bad_accent_colour_is_refused(tmp_path):
    with pytest.raises(DigestError, match="accent colour"):
        email.render(make_issue(accent_color="red;}body{x"), make_settings(tmp_path))


def test_text_part_wraps_lists_sections_and_credits_with_bare_urls(tmp_path):
    text = email.render_text(make_issue(), make_settings(tmp_path))
    lines = text.splitlines()
    assert lines[0] == "Belarus Review — January 20, 2025"
    assert lines[1] == "=" * len(lines[0])
    assert "  4. PROPAGANDA (1)" in lines
    assert all(len(line) <= 72 or "https://" in line for line in lines)
    assert "Sources: Viasna <https://example.org/viasna/pardons>" in text
    assert "Sources: BelTA\n" in text  # named, never linked
    assert "Sviatlana\nCichanoŭskaja" in text or "Sviatlana Cichanoŭskaja" in text
    assert text.rstrip().endswith("the iSANS team")
    assert "<" not in text.replace("<https://", "")


def test_text_part_keeps_markup_from_sources_as_plain_characters(tmp_path):
    text = email.render_text(hostile_issue(), make_settings(tmp_path))
    assert text.startswith("<b>Bold</b> Review")  # plain text: shown, never interpreted


def test_empty_section_says_so_in_both_parts(tmp_path):
    issue = make_issue(empty=("propaganda",))
    _, soup = rendered_soup(issue, tmp_path)
    assert "No developments were recorded this week." in soup.get_text()
    text = email.render_text(issue, make_settings(Path(".")))
    assert "No developments were recorded this week." in text


def test_credit_text_and_wrap_helpers():
    from digest.models import Credit

    credits = [Credit("A", "https://a.example/x"), Credit("B", None), Credit("C", "javascript:x")]
    assert email.credit_text(credits) == "Sources: A <https://a.example/x>, B, C"
    assert email.credit_text([]) == ""
    long_url = "https://example.org/" + "x" * 100
    assert long_url in email.wrap(f"see {long_url} now").splitlines()


def test_with_site_url_both_parts_link_the_issue_online():
    settings = make_settings(Path(".")).model_copy(
        update={"site_url": "https://review.example.org/"}
    )
    issue = make_issue()
    url = "https://review.example.org/2025-W03/belarus-review-2025-01-20.html"
    soup = BeautifulSoup(email.render(issue, settings).content, "html.parser")
    assert soup.find("a", string="Read this issue online")["href"] == url
    assert f"Read online: {url}" in email.render_text(issue, settings)
    plain = make_settings(Path("."))
    assert "online" not in email.render_text(issue, plain).lower()
    assert (
        BeautifulSoup(email.render(issue, plain).content, "html.parser").find(
            "a", string="Read this issue online"
        )
        is None
    )
