"""The same event across languages: Russian and Belarusian reports join the English story."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest import pipeline as run
from digest.compose.stories import stories_from_items
from digest.label.embed import MODEL_NAME, embed
from digest.models import Item
from tests.conftest import make_settings

WEEK = json.loads((Path(__file__).parent / "fixtures" / "crosslang" / "week.json").read_text())
ROWS = WEEK["items"]
SOURCES = """
  - {id: wire, kind: file, location: ., name: Wire, focused: true}
"""


def make_item(n: int, row: dict, labelled: bool) -> Item:
    """A stored-shape item from a fixture row (labelled with its section, or not)."""
    stamp = datetime(2025, 5, row["day"], 9, tzinfo=UTC)
    url = f"https://example.org/{row['key']}"
    return Item(
        source_id="wire",
        url=url,
        canonical_url=url,
        outlet=row["outlet"],
        title=row["title"] or None,
        text=row["text"],
        published=stamp,
        date_method="meta",
        content_hash=f"{n:064x}",
        fetched_at=stamp,
        language=row["lang"],
        section_label=row["section"] if labelled else None,
        section_score=0.9 if labelled else None,
        id=n + 1 if labelled else None,
    )


def events_of(stories, key_of) -> dict[str, set[str]]:
    """Each story's set of fixture keys, by the key of its English report (or 'alone:<key>')."""
    found = {}
    for story in stories:
        keys = {key_of(i) for i in story.items}
        english = sorted(k for k in keys if k.startswith("en-"))
        found[english[0] if english else "alone:" + sorted(keys)[0]] = keys
    return found


@pytest.fixture(scope="module")
def labelled() -> tuple[list[Item], dict[int, object]]:
    """The fixture week as labelled items and their real embeddings by id."""
    found = [make_item(n, row, labelled=True) for n, row in enumerate(ROWS)]
    texts = [f"{i.title}\n\n{i.text}" if i.title else i.text for i in found]
    return found, dict(zip([i.id for i in found], embed(texts), strict=True))


def test_each_report_joins_the_english_story_of_its_event(tmp_path, labelled):
    """With vectors: ru/be reports join their event's English story, credited; others stand."""
    found, vectors = labelled
    settings = make_settings(tmp_path, SOURCES)
    key = {i.id: row["key"] for i, row in zip(found, ROWS, strict=True)}
    stories = stories_from_items(found, settings, vectors=vectors)
    got = events_of(stories, lambda i: key[i.id])
    assert got == {
        "en-air": {"en-air", "ru-air"},
        "en-court": {"en-court", "be-court", "ru-court-post"},
        "en-border": {"en-border", "be-border"},
        "alone:ru-factory": {"ru-factory"},
    }
    court = next(s for s in stories if "Rights Monitor" in [c.name for c in s.credits])
    assert [c.name for c in court.credits] == ["Rights Monitor", "Outlet Be", "Channel Ru"]
    assert "Homel" in court.paragraph  # written from the English report


def test_without_vectors_most_reports_stay_apart(tmp_path, labelled):
    """The contrast: names and numbers alone (TF-IDF anchors) place few ru/be reports."""
    found, _ = labelled
    settings = make_settings(tmp_path, SOURCES)
    key = {i.id: row["key"] for i, row in zip(found, ROWS, strict=True)}
    got = events_of(stories_from_items(found, settings), lambda i: key[i.id])
    assert got["en-air"] == {"en-air"} and got["en-border"] == {"en-border"}
    assert "ru-court-post" not in got["en-court"]


def test_the_week_built_from_the_store_credits_every_language(tmp_path):
    """Ingest's classify labels and embeds; the week's issue merges across languages."""
    settings = make_settings(tmp_path, SOURCES)
    store = run.open_store(settings)
    store.add_items([make_item(n, row, labelled=False) for n, row in enumerate(ROWS)])
    assert run.classify(settings, store) == len(ROWS)
    stored = store.all_items()
    assert len(store.item_vectors(MODEL_NAME, stored)) == len(ROWS)  # 5 ru/be + 3 candidates
    key = {i.id: row["key"] for i, row in zip(stored, ROWS, strict=True)}
    issue = run.issue_for_week(settings, store, run.parse_week("2025-W20"))
    stories = [s for section in issue.sections for s in section.stories]
    got = events_of(stories, lambda i: key[i.id])
    assert got["en-air"] == {"en-air", "ru-air"}
    assert got["en-court"] == {"en-court", "be-court", "ru-court-post"}
    assert got["en-border"] == {"en-border", "be-border"}
    assert all("ru-factory" not in keys for k, keys in got.items() if k.startswith("en-"))
