"""The Markdown renderer: same structure as the issue, credits linked by policy, inert text."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from digest.render import markdown
from digest.render.common import md_text
from tests.issue_factory import hostile_issue, make_issue, make_settings


def md_of(issue, tmp_path) -> str:
    """Render an issue to Markdown text."""
    rendered = markdown.render(issue, make_settings(tmp_path))
    assert rendered.suffix == ".md" and rendered.media_type == "text/markdown"
    return rendered.content


def as_html(text: str) -> BeautifulSoup:
    """Markdown converted by a CommonMark parser that passes raw HTML through, as many do."""
    return BeautifulSoup(MarkdownIt("commonmark").render(text), "html.parser")


def test_structure_follows_the_review(tmp_path):
    text = md_of(make_issue(), tmp_path)
    assert text.startswith("# Belarus Review — January 20, 2025\n")
    assert "Week under review: January 13–19, 2025" in text
    toc = re.findall(r"^(\d)\. (.+)$", text, flags=re.M)
    assert toc == [
        ("1", "MILITARY DEVELOPMENTS"),
        ("2", "POLITICAL DEVELOPMENTS"),
        ("3", "HUMAN RIGHTS SITUATION AND INTERNATIONAL RESPONSE"),
        ("4", "PROPAGANDA"),
    ]
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["Contents"] + [name for _, name in toc]
    assert "\n\n\n" not in text and text.endswith("the iSANS team\n")


def test_credits_are_links_only_where_allowed(tmp_path):
    doc = as_html(md_of(make_issue(), tmp_path))
    links = {a.get_text(): a["href"] for a in doc.find_all("a")}
    assert links["Zerkalo"] == "https://example.org/zerkalo/exercise"
    assert "BelTA" not in links and "Ministry of Defence of Belarus" not in links
    assert "Sources: BelTA" in doc.get_text()


def test_story_paragraph_survives_the_round_trip(tmp_path):
    doc = as_html(md_of(make_issue(), tmp_path))
    text = doc.get_text()
    assert "«Аляксандр Лукашэнка»" in text and "Sviatlana Cichanoŭskaja" in text
    assert "the Zapad-2025 drills planned for September." in text
    assert doc.find("h3").get_text() == "OSCE will not observe the vote"


def test_empty_section_says_so(tmp_path):
    text = md_of(make_issue(empty=("military",)), tmp_path)
    block = text.split("## MILITARY DEVELOPMENTS", 1)[1].split("## POLITICAL", 1)[0]
    assert block.strip() == "*No developments were recorded this week.*"


def test_hostile_story_is_inert_once_converted(tmp_path):
    doc = as_html(md_of(hostile_issue(), tmp_path))
    assert doc.find("script") is None and doc.find("img") is None and doc.find("b") is None
    for tag in doc.find_all(True):
        assert not any(attr.lower().startswith("on") for attr in tag.attrs), tag
    hrefs = [a["href"] for a in doc.find_all("a")]
    assert hrefs and all(h.startswith("https://example.org/") for h in hrefs), hrefs
    text = doc.get_text()
    assert "<script>document.location" in text and "[this](javascript:alert(3))" in text
    assert "Evil <b>Wire</b>" in text


def test_line_start_marks_are_escaped():
    assert md_text("# not a heading") == "\\# not a heading"
    assert md_text("2025. A year") == "2025\\. A year"
    assert md_text("- not a list") == "\\- not a list"
    assert as_html(md_text("1) x")).find("ol") is None
