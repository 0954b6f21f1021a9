"""The editor's operations and their store: each change audited, kept, refused once published."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from digest.editorial import operations as editing
from digest.errors import DigestError
from digest.store import Store
from digest.store import editing as db
from tests.desk_fixture import WEEK, load_week


@pytest.fixture
def store(settings) -> Store:
    """The fixture week, labelled, in a fresh SQLite store."""
    return load_week(settings)


def _sections(settings, store) -> dict[str, list[str]]:
    issue = editing.edited_issue(settings, store, WEEK)
    return {s.id: [story.key for story in s.stories] for s in issue.sections}


def test_the_fixture_week_drafts_as_its_file_says(settings, store):
    assert _sections(settings, store) == {
        "military": ["i1", "i2"],
        "political": ["i3"],
        "human_rights": ["i4"],
        "propaganda": ["i5"],
    }


def test_moving_a_story_changes_its_section_and_records_before_and_after(settings, store):
    editing.move_story(settings, store, WEEK, "i2", "political", "anna")
    assert _sections(settings, store)["political"] == ["i2", "i3"]
    (row,) = db.edit_log(store)
    assert (row.who, row.action, row.target) == ("anna", "move", "2025-W03/story:i2")
    assert (row.before, row.after) == ("military", "political")


def test_a_move_survives_reclassification(settings, store):
    editing.move_item(settings, store, 2, "political", "anna")
    store.set_labels([(2, "military", 0.99, True)])  # what `digest classify` does
    item = store.get_item(2)
    assert (item.section_label, item.section, item.on_topic) == ("military", "political", True)
    assert "i2" in _sections(settings, store)["political"]


def test_an_off_topic_item_moved_into_a_section_joins_the_draft(settings, store):
    editing.move_item(settings, store, 6, "political", "anna")
    assert "i6" in _sections(settings, store)["political"]
    editing.move_item(settings, store, 6, "off_topic", "anna")
    assert all("i6" not in keys for keys in _sections(settings, store).values())


def test_excluding_and_including_again(settings, store):
    editing.exclude_story(settings, store, WEEK, "i4", "anna")
    assert _sections(settings, store)["human_rights"] == []
    editing.exclude_item(settings, store, 4, "anna", excluded=False)
    assert _sections(settings, store)["human_rights"] == ["i4"]
    actions = [(r.action, r.before, r.after) for r in reversed(db.edit_log(store))]
    assert actions == [
        ("exclude", "included", "excluded (items 4)"),
        ("include", "excluded", "included"),
    ]


def test_an_edited_paragraph_replaces_the_generated_one_until_emptied(settings, store):
    original = editing.find_story(editing.edited_issue(settings, store, WEEK), "i3").paragraph
    editing.edit_paragraph(
        settings, store, WEEK, "i3", "  The vote was set\nfor January 26. ", "bo"
    )
    story = editing.find_story(editing.edited_issue(settings, store, WEEK), "i3")
    assert (story.paragraph, story.edited) == ("The vote was set for January 26.", True)
    editing.edit_paragraph(settings, store, WEEK, "i3", "", "bo")
    story = editing.find_story(editing.edited_issue(settings, store, WEEK), "i3")
    assert (story.paragraph, story.edited) == (original, False)
    newest = db.edit_log(store)[0]
    assert (newest.before, newest.after) == ("The vote was set for January 26.", None)


def test_reorder_puts_stories_in_the_editors_order_and_a_move_forgets_it(settings, store):
    editing.reorder(settings, store, WEEK, "military", ["i2", "i1"], "anna")
    assert _sections(settings, store)["military"] == ["i2", "i1"]
    with pytest.raises(DigestError, match="each story of military once"):
        editing.reorder(settings, store, WEEK, "military", ["i2"], "anna")
    editing.move_story(settings, store, WEEK, "i2", "political", "anna")
    assert db.story_edits_for(store, WEEK.label)["i1"].position == 1
    assert "i2" not in db.story_edits_for(store, WEEK.label)


def test_publish_builds_the_edited_issue_and_locks_the_week(settings, store):
    editing.edit_paragraph(
        settings, store, WEEK, "i1", "Staff drill paragraph by the editor.", "bo"
    )
    done = editing.publish(settings, store, WEEK, "bo")
    pdf = next(p for p in done.paths if p.suffix == ".pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Staff drill paragraph by the editor." in text
    assert "not sent" in done.notice  # the test settings configure no delivery
    assert db.week_state(store, WEEK.label).status == "published"
    with pytest.raises(DigestError, match="2025-W03 issue was published by bo; reopen it"):
        editing.move_story(settings, store, WEEK, "i2", "political", "anna")
    with pytest.raises(DigestError, match="reopen it"):
        editing.exclude_item(settings, store, 5, "anna")
    with pytest.raises(DigestError, match="published"):
        editing.publish(settings, store, WEEK, "bo")


def test_reopening_needs_a_published_week_and_a_reason(settings, store):
    with pytest.raises(DigestError, match="not published"):
        editing.reopen(settings, store, WEEK, "bo", "typo")
    editing.publish(settings, store, WEEK, "bo")
    with pytest.raises(DigestError, match="say why"):
        editing.reopen(settings, store, WEEK, "bo", "  ")
    editing.reopen(settings, store, WEEK, "bo", "a name was misspelt")
    editing.move_story(settings, store, WEEK, "i2", "political", "anna")
    reopen = next(r for r in db.edit_log(store) if r.action == "reopen")
    assert (reopen.before, reopen.after) == ("published", "draft: a name was misspelt")


def test_bad_requests_are_refused_with_clear_messages(settings, store):
    with pytest.raises(DigestError, match="unknown section 'sport'"):
        editing.move_item(settings, store, 1, "sport", "anna")
    with pytest.raises(DigestError, match="no item with id 99"):
        editing.exclude_item(settings, store, 99, "anna")
    with pytest.raises(DigestError, match="no story i99 in the 2025-W03 draft"):
        editing.edit_paragraph(settings, store, WEEK, "i99", "text", "anna")
    with pytest.raises(DigestError, match="editor's name"):
        editing.move_item(settings, store, 1, "political", " ")
    assert db.edit_log(store) == []


def test_an_undated_item_is_audited_as_undated(settings, store):
    editing.move_item(settings, store, 7, "off_topic", "anna")
    assert db.edit_log(store)[0].target == "undated/item:7"


def test_an_empty_week_cannot_be_published(settings):
    store = Store(settings.database_url)
    with pytest.raises(DigestError, match="no stories"):
        editing.publish(settings, store, WEEK, "bo")


def test_story_edits_and_audit_rows_on_both_engines(db_url):
    store = Store(db_url)
    change = db.Change("anna", "edit", "2025-W03/story:i1", None, "new text")
    db.set_paragraph(store, "2025-W03", "i1", "new text", change)
    db.set_positions(store, "2025-W03", {"i1": 2}, db.Change("anna", "reorder", "2025-W03/x"))
    edit = db.story_edits_for(store, "2025-W03")["i1"]
    assert (edit.paragraph, edit.position) == ("new text", 2)
    db.set_paragraph(store, "2025-W03", "i1", None, change)
    db.set_positions(store, "2025-W03", {"i1": None}, change)
    assert db.story_edits_for(store, "2025-W03") == {}
    db.set_week_status(store, "2025-W03", "published", db.Change("bo", "publish", "2025-W03"))
    state = db.week_state(store, "2025-W03")
    assert (state.status, state.changed_by) == ("published", "bo")
    assert state.changed_at is not None and state.changed_at.tzinfo is not None
    assert len(db.edit_log(store, prefix="2025-W03")) == 5
    assert db.edit_log(store, prefix="2025-W04") == []
