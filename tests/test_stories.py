"""Stories from items: lead sentences within the word limit, credits under the link policy."""

from datetime import UTC, date, datetime

import pytest
import yaml

from digest.compose.stories import (
    credit,
    lead,
    link_allowed,
    split_sentences,
    stories_from_items,
    story_from_item,
)
from digest.models import Item
from digest.store import Store
from digest.store.editing import Change, set_paragraph, set_positions, story_edits_for
from tests.conftest import FIXTURES, make_settings

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


# -- merging, continuity and the editor's replacement ------------------------------------------
REPORTS = yaml.safe_load((FIXTURES / "stories" / "own_reports.yaml").read_text(encoding="utf-8"))


def report_item(name: str, n: int, day: str | None = None, **kw) -> Item:
    """An item made from a report of tests/fixtures/stories/own_reports.yaml, with id n."""
    row = REPORTS[name]
    when = datetime.fromisoformat(f"{day or row['date']}T10:00:00+00:00")
    url = f"https://outlet{n}.example/{name}"
    base = dict(id=n, text=row["text"], outlet=row["outlet"], published=when, title=None)
    return item(**(base | dict(url=url, canonical_url=url, language=row["lang"]) | kw))


def test_one_event_from_three_outlets_is_one_story_crediting_all(tmp_path):
    settings = make_settings(tmp_path)
    items = [report_item("call-a", 7), report_item("staff-a", 3), report_item("call-c", 5)]
    items.append(report_item("call-b", 9))
    stories = stories_from_items(items, settings)
    call = next(s for s in stories if len(s.items) > 1)
    assert len(stories) == 2 and call.key == "i5"
    assert [c.name for c in call.credits] == ["Pozirk", "Kremlin", "Pul Pervogo"]
    assert call.paragraph.startswith("On January 19, ") and call.date == date(2025, 1, 19)
    assert len(call.sentence_sources) == len(split_sentences(call.paragraph))


def test_two_different_events_on_one_day_stay_two_stories(tmp_path):
    settings = make_settings(tmp_path)
    items = [report_item("staff-a", 1), report_item("hrodna-a", 2), report_item("hrodna-b", 3)]
    stories = stories_from_items(items, settings)
    assert sorted(len(s.items) for s in stories) == [1, 2]
    assert all(s.paragraph.startswith("From January 14 to 16, ") for s in stories)


def test_the_section_is_the_majority_of_the_items(tmp_path):
    settings = make_settings(tmp_path)
    items = [
        report_item("call-a", 1, section_label="political", section_score=0.6),
        report_item("call-c", 2, section_label="political", section_score=0.8),
        report_item("call-b", 3, section_label="propaganda", section_score=0.9),
        report_item("staff-a", 4),  # an unrelated report: a batch is rarely one event alone
    ]
    story = next(s for s in stories_from_items(items, settings) if len(s.items) == 3)
    assert story.section == "political" and story.score == pytest.approx(0.7)


def test_past_issue_paragraphs_are_never_merged_or_rewritten(tmp_path):
    settings = make_settings(tmp_path)
    text = REPORTS["call-a"]["text"]
    past = report_item("call-a", 4, origin="past_issue", url=None, issue_week="2025-W03")
    stories = stories_from_items([past, report_item("call-c", 5)], settings)
    assert len(stories) == 2 and stories[0].paragraph == text and stories[0].key == "i4"


def test_an_event_already_reported_is_dropped_and_a_development_is_a_follow_up(tmp_path):
    settings = make_settings(tmp_path)
    earlier = [report_item("volat-a", 1), report_item("staff-a", 2)]
    repeat = report_item("volat-b", 10, day="2025-01-14")
    later = report_item("staff-b", 11, day="2025-02-12", text=REPORTS["staff-b"]["text"])
    other = report_item("seimas-a", 12, day="2025-02-12")
    stories = stories_from_items([repeat, later, other], settings, history=earlier)
    by_key = {s.key: s for s in stories}
    assert "i10" not in by_key  # the Volat V2 trials were in the earlier issue already
    assert by_key["i11"].follow_up_of == "2025-W03" and by_key["i12"].follow_up_of is None


def test_the_editors_paragraph_and_position_survive_a_rebuild(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(f"sqlite:///{tmp_path}/edits.db")
    items = [report_item("call-a", 7), report_item("call-c", 5)]
    (first,) = stories_from_items(items, settings, edits=story_edits_for(store, "2025-W03"))
    change = Change("editor", "edit", f"2025-W03/story:{first.key}")
    set_paragraph(store, "2025-W03", first.key, "On January 19, the editor's own words.", change)
    set_positions(store, "2025-W03", {first.key: 0}, change)
    rebuilt = stories_from_items(
        list(reversed(items)), settings, edits=story_edits_for(store, "2025-W03")
    )
    assert rebuilt[0].key == first.key == "i5" and rebuilt[0].edited
    assert rebuilt[0].paragraph == "On January 19, the editor's own words."
    assert rebuilt[0].position == 0
    set_paragraph(store, "2025-W03", "i5", None, change)
    (restored,) = stories_from_items(items, settings, edits=story_edits_for(store, "2025-W03"))
    assert not restored.edited and restored.position == 0


def test_a_report_the_model_cannot_read_joins_and_is_credited_but_makes_no_story(tmp_path):
    settings = make_settings(tmp_path)
    english = report_item("volat-a", 1)  # labelled military, as the model would
    russian = report_item("volat-c", 2, section_label=None)  # the same event, in Russian
    alone = report_item("verdict-b", 3, section_label=None)  # another event, Russian only
    stories = stories_from_items([english], settings, supporting=[russian, alone])
    (story,) = stories
    assert [c.name for c in story.credits] == ["Pozirk", "Zerkalo"]
    assert story.section == "military" and story.paragraph.startswith("On January 13, ")
    assert "Государственный" not in story.paragraph  # written from the English report
