"""The HTML renderer: the review's structure, self-contained page, link policy, inert content."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.errors import DigestError
from digest.render import FORMATS, html
from tests.issue_factory import hostile_issue, load_fixture, make_issue, make_settings, tiny_png


def soup_of(issue, tmp_path: Path) -> BeautifulSoup:
    """Render an issue to HTML and parse it."""
    rendered = html.render(issue, make_settings(tmp_path))
    assert rendered.suffix == ".html" and rendered.media_type == "text/html"
    return BeautifulSoup(rendered.content, "html.parser")


def test_registry_names_every_format():
    assert set(FORMATS) == {"html", "pdf", "md", "json", "email", "epub"}


def test_page_has_language_title_landmarks_and_heading_order(tmp_path):
    soup = soup_of(make_issue(), tmp_path)
    assert soup.html["lang"] == "en"
    assert soup.title.string == "Belarus Review — January 20, 2025"
    for landmark in ("header", "nav", "main", "footer"):
        assert soup.find(landmark) is not None, landmark
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert soup.find("meta", attrs={"name": "viewport"}) is not None
    assert "January 13–19, 2025" in soup.header.get_text()
    assert "iSANS" in soup.header.get_text()


def test_contents_lists_the_four_sections_numbered_and_linked(tmp_path):
    soup = soup_of(make_issue(), tmp_path)
    entries = [" ".join(a.get_text().split()) for a in soup.nav.find_all("a")]
    assert entries == [
        "1. MILITARY DEVELOPMENTS",
        "2. POLITICAL DEVELOPMENTS",
        "3. HUMAN RIGHTS SITUATION AND INTERNATIONAL RESPONSE",
        "4. PROPAGANDA",
    ]
    for link in soup.nav.find_all("a"):
        target = soup.find(id=link["href"].removeprefix("#"))
        assert target is not None and target.name == "section"


def test_each_story_is_its_paragraph_then_its_credits(tmp_path):
    soup = soup_of(make_issue(), tmp_path)
    fixture = load_fixture("issue.json")
    sections = soup.main.find_all("section")
    assert [s.h2.get_text() for s in sections] == [s["heading"] for s in fixture["sections"]]
    first = sections[0].find_all("article")[1]
    paragraph, credits = first.find_all("p")
    assert paragraph.get_text() == fixture["sections"][0]["stories"][1]["paragraph"]
    assert credits.a.get_text() == "Zerkalo"
    assert credits.a["href"] == "https://example.org/zerkalo/exercise"
    assert "Ministry of Defence of Belarus" in credits.get_text()


def test_a_credit_without_url_is_named_but_never_linked(tmp_path):
    soup = soup_of(make_issue(), tmp_path)
    propaganda = soup.find(id="section-propaganda")
    assert "BelTA" in propaganda.get_text()
    assert propaganda.find("a") is None


def test_empty_section_says_so_instead_of_vanishing(tmp_path):
    soup = soup_of(make_issue(empty=("propaganda",)), tmp_path)
    section = soup.find(id="section-propaganda")
    assert section.h2.get_text() == "PROPAGANDA"
    assert "No developments were recorded this week." in section.get_text()


def test_editors_note_and_sign_off_close_the_issue(tmp_path):
    soup = soup_of(make_issue(), tmp_path)
    footer = soup.footer.get_text()
    assert "named but not linked" in footer
    assert "With best wishes,\nthe iSANS team" in soup.footer.find(class_="sign-off").get_text()


def test_page_is_self_contained(tmp_path):
    soup = soup_of(make_issue(), tmp_path)
    assert soup.find("link", rel="stylesheet") is None
    assert soup.find("script") is None
    assert "--accent: #8b1e2d" in soup.style.get_text()
    remote = [t for t in soup.find_all(src=True)]
    assert remote == []
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert all(h.startswith(("#", "https://example.org/")) for h in hrefs)


def test_logo_is_embedded_as_data_uri(tmp_path):
    (tmp_path / "logo.png").write_bytes(tiny_png())
    soup = soup_of(make_issue(logo="logo.png"), tmp_path)
    assert soup.find("img", class_="logo")["src"].startswith("data:image/png;base64,")


def test_missing_logo_is_an_error(tmp_path):
    with pytest.raises(DigestError, match="logo file not found"):
        html.render(make_issue(logo="nowhere.png"), make_settings(tmp_path))


def test_accent_colour_cannot_break_out_of_css(tmp_path):
    issue = make_issue(accent_color="red}</style><script>alert(1)</script>")
    with pytest.raises(DigestError, match="accent colour"):
        html.render(issue, make_settings(tmp_path))


def test_hostile_story_is_inert(tmp_path):
    rendered = html.render(hostile_issue(), make_settings(tmp_path)).content
    soup = BeautifulSoup(rendered, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("b") is None
    for tag in soup.find_all(True):
        assert not any(attr.lower().startswith("on") for attr in tag.attrs), tag
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert all(h.startswith(("#", "https://")) for h in hrefs), hrefs
    story = soup.find(id="section-military").article
    assert "<script>document.location" in story.p.get_text()
    assert story.h3.get_text() == "<script>alert('title')</script> Breaking"
    credits = story.find(class_="credits")
    assert [a.get_text() for a in credits.find_all("a")] == ["Honest Outlet"]
    assert "Evil <b>Wire</b>" in credits.get_text() and "Data Feed" in credits.get_text()
    assert soup.h1.get_text() == "<b>Bold</b> Review — January 20, 2025"


def test_same_issue_gives_same_text(tmp_path):
    settings = make_settings(tmp_path)
    issue = make_issue()
    assert html.render(issue, settings) == html.render(replace(issue), settings)
