"""Every issue built from the seeds keeps the review's paragraph rules, and links no regime outlet.

The seeds are ingested and every week built (HTML, Markdown, JSON, email); then over every
composed paragraph: no first person outside quotes, the opening date named once, an opening in
the past tense, at most 150 words, no markup left, and a date that is either named by the report
or its own date (never a week's Monday filled in). `digest lint` passes over every week. The past
issue (seed 004) is the editors' own writing and is rebuilt as written: only its dates are checked.
"""

import json
import re

import pytest

from digest import pipeline
from digest.cli.main import main as digest
from digest.compose.paragraph import HARD_MAX, audit
from digest.compose.policy import lint_folder
from tests.conftest import make_settings, write_config


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The seeds ingested and every week built; the settings, store and the weeks' issues."""
    tmp = tmp_path_factory.mktemp("seeds")
    config = write_config(tmp)
    assert digest(["ingest", "-q", "-c", str(config)]) == 0
    assert digest(["build", "-q", "-c", str(config), "--all", "-f", "html", "-f", "md",
                   "-f", "json", "-f", "email"]) == 0  # fmt: skip
    settings = make_settings(tmp)
    store = pipeline.open_store(settings)
    weeks = pipeline.weeks_with_items(settings, store)
    issues = [pipeline.issue_for_week(settings, store, w) for w in weeks]
    store.close()
    return settings, config, issues


def stories(issues, composed: bool):
    for issue in issues:
        for section in issue.sections:
            for story in section.stories:
                past = any(i.origin == "past_issue" for i in story.items)
                if past != composed:
                    yield issue, story


def test_the_seeds_give_several_weeks_with_composed_stories(built):
    _, _, issues = built
    assert len(issues) >= 4 and len(list(stories(issues, composed=True))) >= 3


def test_every_composed_paragraph_keeps_the_rules(built):
    _, _, issues = built
    broken = {
        story.key: audit(story.paragraph, story.date)
        for _, story in stories(issues, composed=True)
        if audit(story.paragraph, story.date)
    }
    assert broken == {}
    for _, story in stories(issues, composed=True):
        assert 0 < len(story.paragraph.split()) <= HARD_MAX
        assert story.date_note and story.paragraph_note.startswith("extracted")


def test_no_date_is_invented(built):
    _, _, issues = built
    for _, story in stories(issues, composed=True):
        days = {i.published.date() for i in story.items if i.published}
        named = story.date_note == "the day the opening sentence names"
        assert named or story.date in days, (story.key, story.date, story.date_note)
        if named:
            assert story.date in _named_days(story.paragraph, story.items)
    for issue, story in stories(issues, composed=False):
        if story.date == issue.week_start:  # the week's Monday only when the paragraph says so
            month_day = f"{story.date:%B} {story.date.day}"
            assert month_day in story.paragraph or "the date of the one before" in story.date_note


MONTH_DAY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? (\d{1,2})\b"
)


def _named_days(paragraph, items):
    """Every day the reports or the paragraph name, in the reports' years and the one before."""
    from datetime import datetime

    text = " ".join(i.text for i in items) + " " + paragraph
    found = set()
    for item in items:
        year = item.published.year if item.published else None
        for m in MONTH_DAY.finditer(text):
            month = datetime.strptime(m[1][:3], "%b").month
            for y in {year, (year or 0) - 1} - {None, -1}:
                try:
                    found.add(datetime(y, month, int(m[2])).date())
                except ValueError:
                    pass
    return found


def test_no_built_file_links_a_listed_outlet(built):
    settings, config, issues = built
    for issue in issues:
        verdicts = lint_folder(settings.out_dir / issue.week, settings)
        assert [v for v in verdicts if not v.allowed] == []
        assert digest(["lint", "-c", str(config), "--week", issue.week]) == 0


def test_no_markup_escape_reaches_the_markdown_or_json_text(built):
    settings, _, issues = built
    for issue, story in stories(issues, composed=True):
        folder = settings.out_dir / issue.week
        md = next(folder.glob("*.md")).read_text(encoding="utf-8")
        assert "\\*" not in md and "\\_" not in md
        doc = json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))
        paragraphs = [s["paragraph"] for sec in doc["issue"]["sections"] for s in sec["stories"]]
        assert story.paragraph in paragraphs
