"""Text from sources reduced to text before any template: tags dropped, entities decoded, then
escaped by the templates as before (a feed served on 127.0.0.1, the issue rendered as HTML)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.compose.issue import build_issue
from digest.compose.stories import story_from_item
from digest.extract.textonly import plain_text, plain_title
from digest.ingest.items import to_items
from digest.render import email, html, markdown
from digest.settings.schema import SourceConfig
from digest.sources.base import SourceContext
from digest.sources.rss import RssSource
from digest.weeks import parse_week
from tests.issue_factory import make_issue, make_settings

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
HOSTILE = "<b>Bold</b> &amp; <script>x</script>"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (HOSTILE, "Bold & x"),
        ("&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more", "Bold & more"),  # escaped twice
        ("a < b & c > d", "a < b & c > d"),  # text that only looks like markup stays
        ("Minsk&nbsp;court <!-- note --> &#8212; sentences", "Minsk court — sentences"),
        ("<img src=x onerror=alert(1)>Border", "Border"),
    ],
)
def test_titles_become_plain_text(raw, text):
    assert plain_title(raw) == text


def test_paragraph_breaks_survive_and_plain_text_is_kept_exactly():
    assert plain_text("<p>One &amp; two</p>\n<p>Three</p>") == "One & two\nThree"
    untouched = "A  text with  double spaces\n and a line"
    assert plain_text(untouched) is untouched
    assert plain_title("<b> </b>") is None


def test_a_hostile_feed_title_reaches_the_page_as_its_text(server, fetcher):
    data = (FEEDS / "hostile-title.rss.xml").read_bytes()
    data = data.replace(b"{base}", server.url_for("").rstrip("/").encode())
    server.expect_request("/feed.xml").respond_with_data(data, content_type="application/rss+xml")
    config = SourceConfig(
        id="feed",
        kind="rss",
        location=server.url_for("/feed.xml"),
        name="Feed",
        options={"full_text": "never"},
    )
    now = datetime(2025, 1, 20, tzinfo=UTC)
    context = SourceContext(Path("."), now, fetcher, since=datetime(2025, 1, 1, tzinfo=UTC))
    [doc] = list(RssSource().documents(config, context))
    settings = make_settings(Path("."))
    [item] = to_items(doc, settings)
    assert item.title == "Bold & x"
    assert (
        "<" not in item.text and "&amp;" not in item.text and "volunteers & a lawyer" in item.text
    )
    labelled = replace(item, section_label="human_rights", section_score=0.9)
    story = story_from_item(labelled, settings)
    issue = build_issue(parse_week("2025-W03"), [story], settings)
    page = html.render(issue, settings).content
    assert "&lt;b&gt;" not in page and "<script" not in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("article", class_="story").h3.get_text() == "Bold & x"


def test_assembling_an_issue_reduces_markup_left_in_stored_stories():
    settings = make_settings(Path("."))
    issue = make_issue()
    first = issue.sections[0].stories[0]
    hostile = replace(first, title=HOSTILE, paragraph="On <i>Monday</i> &amp; Tuesday, ...")
    week = parse_week(issue.week)
    built = build_issue(week, [hostile], settings)
    [story] = [s for sec in built.sections for s in sec.stories]
    assert (story.title, story.paragraph) == ("Bold & x", "On Monday & Tuesday, ...")
    for text in (
        html.render(built, settings).content,
        email.render(built, settings).content,
        email.render_text(built, settings),
    ):
        assert "&lt;b&gt;" not in text and "&amp;amp;" not in text and "<script" not in text
        assert "Bold &amp; x" in text or "Bold & x" in text
    assert "### Bold &amp; x\n" in markdown.render(built, settings).content  # CommonMark: "&"
