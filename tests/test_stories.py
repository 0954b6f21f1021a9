"""Stories from items: lead sentences within the word limit, credits under the link policy."""

from datetime import UTC, datetime

from digest.models import Item
from digest.stories import credit, lead, link_allowed, split_sentences, story_from_item
from tests.conftest import make_settings

STATE_SOURCE = """
  - id: state
    kind: file
    location: .
    name: State agency
    link: false
    domains: [state-news.example, t.me/statechannel]
"""


def item(**kw) -> Item:
    base = dict(
        source_id="seeds",
        url="https://independent.example/story",
        canonical_url="https://independent.example/story",
        title="A title",
        text="First sentence here. Second one follows! Third? Yes.",
        published=datetime(2025, 1, 16, 21, 30, tzinfo=UTC),
        date_method="meta",
        content_hash="0" * 64,
        fetched_at=datetime(2025, 1, 17, tzinfo=UTC),
        section_label="military",
    )
    return Item(**(base | kw))


def test_sentences_split_on_end_punctuation_and_lines():
    text = "On January 16, the ministry spoke. “It is done.” Then U.S. officials left.\nNew line"
    assert split_sentences(text) == [
        "On January 16, the ministry spoke.",
        "“It is done.”",
        "Then U.S. officials left.",
        "New line",
    ]


def test_lead_keeps_whole_sentences_within_the_word_limit():
    text = " ".join(f"Sentence number {n} has six words." for n in range(60))
    got = lead(text, max_words=30)
    assert len(got.split()) <= 30 and got.endswith(".")
    assert lead("One very long sentence " * 50, max_words=10).startswith("One very long")


def test_story_date_is_the_local_date(tmp_path):
    settings = make_settings(tmp_path)
    story = story_from_item(item(), settings)  # 21:30 UTC is 00:30 next day in Minsk
    assert story.date.isoformat() == "2025-01-17"
    assert story.section == "military" and story.credits[0].name == "Seed documents"


def test_link_false_sources_are_named_never_linked(tmp_path):
    settings = make_settings(tmp_path, STATE_SOURCE)
    got = credit(item(source_id="state", url="https://state-news.example/a"), settings)
    assert got.name == "State agency" and got.url is None


def test_a_link_to_a_listed_domain_is_dropped_whatever_the_source(tmp_path):
    settings = make_settings(tmp_path, STATE_SOURCE)
    assert not link_allowed("https://www.state-news.example/x", "seeds", settings)
    assert not link_allowed("https://m.state-news.example/x", "seeds", settings)
    assert link_allowed("https://independent.example/x", "seeds", settings)
    assert not link_allowed("javascript:alert(1)", "seeds", settings)


def test_past_issue_paragraphs_are_kept_as_written(tmp_path):
    settings = make_settings(tmp_path)
    text = "On January 13, a thing happened. And more. " * 10
    story = story_from_item(item(origin="past_issue", text=text, url=None), settings)
    assert story.paragraph == text and story.credits[0].url is None
