"""The editor's commands: move, exclude, review (draft and coverage), hash-password, desk help."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import desk as cli_desk
from digest.desk.auth import verify_password
from digest.settings.loading import load_settings
from digest.store import editing as db
from tests.conftest import write_config
from tests.desk_fixture import load_event_story, load_week


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The tests' configuration written out, its database holding the fixture week."""
    path = write_config(tmp_path)
    load_week(load_settings(path))
    return path


def invoke(command, *args: str, **kw):
    """Run one command; the result keeps its output and exception."""
    return CliRunner().invoke(command, list(args), catch_exceptions=True, **kw)


def test_move_and_exclude_record_who_did_it(config):
    assert invoke(cli_desk.move, "-c", str(config), "2", "political", "--as", "anna").exit_code == 0
    assert invoke(cli_desk.exclude, "-c", str(config), "5", "--as", "anna").exit_code == 0
    store = load_week(load_settings(config))  # reopening adds nothing: items are unique
    assert store.get_item(2).section_override == "political" and store.get_item(5).excluded
    rows = [(r.who, r.action, r.target) for r in reversed(db.edit_log(store))]
    assert rows == [("anna", "move", "2025-W03/item:2"), ("anna", "exclude", "2025-W03/item:5")]


def test_move_to_an_unknown_section_fails_with_the_choices(config):
    result = invoke(cli_desk.move, "-c", str(config), "2", "sport")
    assert result.exit_code != 0 and "unknown section 'sport'" in str(result.exception)


def test_review_prints_the_draft_with_low_items_and_the_coverage(config):
    result = invoke(cli_desk.review, "-c", str(config), "--week", "2025-W03")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    threshold = float(lines[1].split()[2].rstrip(";"))  # "review threshold 0.82; ..."
    scores = {"#1": 0.93, "#2": 0.48, "#3": 0.88, "#4": 0.91, "#5": 0.52}
    low = [line.split()[0] for line in lines if line.startswith("    #") and " LOW " in line]
    assert low == [i for i, score in scores.items() if score < threshold]
    assert "1. MILITARY DEVELOPMENTS (2)" in lines
    assert "    seeds: human_rights 1, military 2, off_topic 1, political 1, propaganda 1" in lines
    assert "  undated items left out: 1" in lines
    assert "  empty sections: none" in lines
    assert any(line.startswith("  confidence: min 0.48") for line in lines)


def test_hash_password_prints_a_usable_config_entry():
    result = invoke(cli_desk.hash_password, "--name", "anna", input="long enough\nlong enough\n")
    assert result.exit_code == 0
    entry = result.output.splitlines()[-1].split("'")[1]
    assert verify_password("long enough", entry)
    assert "- name: anna" in result.output


def test_every_command_has_help_ending_with_an_example():
    commands = (cli_desk.desk, cli_desk.move, cli_desk.exclude, cli_desk.review)
    for command in (*commands, cli_desk.hash_password):
        assert invoke(command, "--help").exit_code == 0
        assert command.help.strip().splitlines()[-1].strip().startswith("Example: digest ")
    assert "127.0.0.1" in invoke(cli_desk.desk, "--help").output


@pytest.fixture
def story_config(tmp_path: Path) -> Path:
    """A config whose store holds a three-report story (items 1-3) and a one-report story (4)."""
    path = write_config(tmp_path)
    load_event_story(load_settings(path))
    return path


def _draft(config: Path) -> dict[str, list[tuple[str, list[int]]]]:
    """The week's draft as `digest stories` and the desk build it: section -> (key, item ids)."""
    from digest import pipeline
    from digest.weeks import parse_week

    settings = load_settings(config)
    issue = pipeline.issue_for_week(settings, pipeline.open_store(settings), parse_week("2025-W03"))
    return {
        s.id: [(story.key, [i.id for i in story.items]) for story in s.stories]
        for s in issue.sections
        if s.stories
    }


def test_moving_a_story_by_its_key_moves_all_its_reports(story_config):
    assert _draft(story_config) == {"military": [("i1", [1, 2, 3])], "political": [("i4", [4])]}
    result = invoke(cli_desk.move, "-c", str(story_config), "i1", "political", "--as", "anna")
    assert result.exit_code == 0, result.output
    assert "story i1 (3 reports) is now in political" in result.output
    assert _draft(story_config) == {"political": [("i1", [1, 2, 3]), ("i4", [4])]}
    review = invoke(cli_desk.review, "-c", str(story_config), "--week", "2025-W03").output
    assert "1. MILITARY DEVELOPMENTS (0)" in review and "2. POLITICAL DEVELOPMENTS (2)" in review


def test_moving_one_report_out_of_a_story_says_so_and_splits_it(story_config):
    result = invoke(cli_desk.move, "-c", str(story_config), "2", "political", "--as", "anna")
    assert result.exit_code == 0, result.output
    line = " ".join(result.output.split())
    assert line == (
        "item 2 leaves story i1 (3 reports; the other 2 stay in military as i1) "
        "and is now in political (story i2)"
    )
    assert _draft(story_config) == {
        "military": [("i1", [1, 3])],
        "political": [("i2", [2]), ("i4", [4])],
    }
    review = invoke(cli_desk.review, "-c", str(story_config), "--week", "2025-W03").output
    assert "1. MILITARY DEVELOPMENTS (1)" in review and "2. POLITICAL DEVELOPMENTS (2)" in review
    # Moving it back into the story's section joins it to the story again.
    result = invoke(cli_desk.move, "-c", str(story_config), "#2", "military", "--as", "anna")
    assert "item 2 is now in military (story i1)" in result.output
    assert _draft(story_config)["military"] == [("i1", [1, 2, 3])]


def test_excluding_a_story_by_key_and_taking_it_back(story_config):
    result = invoke(cli_desk.exclude, "-c", str(story_config), "i1", "--as", "anna")
    assert "story i1 (3 reports) is excluded" in result.output
    assert _draft(story_config) == {"political": [("i4", [4])]}
    result = invoke(cli_desk.exclude, "-c", str(story_config), "i1", "--undo", "--as", "anna")
    assert result.exit_code == 0, result.output
    assert "story i1 is included again (items 1, 2, 3)" in result.output
    assert _draft(story_config)["military"] == [("i1", [1, 2, 3])]
    again = invoke(cli_desk.exclude, "-c", str(story_config), "i1", "--undo", "--as", "anna")
    assert again.exit_code != 0 and "not excluded" in str(again.exception)
    one = invoke(cli_desk.exclude, "-c", str(story_config), "3", "--as", "anna")
    assert "item 3 leaves story i1 (3 reports; the other 2 stay in military as i1)" in " ".join(
        one.output.split()
    )


def test_a_key_that_is_neither_story_nor_item_is_refused(story_config):
    result = invoke(cli_desk.move, "-c", str(story_config), "story-1", "political")
    assert result.exit_code != 0
    assert "neither a story key (i36) nor an item id (5)" in str(result.exception)


def test_review_marks_low_exactly_the_items_it_counts(story_config):
    """LOW marks the model-placed items under the threshold, and the count is of those marks."""
    from digest.store import Store

    store = Store(load_settings(story_config).database_url)
    store.set_labels([(3, "military", 0.31, True), (4, "political", 0.35, True)])
    db.set_section(store, [4], "political", db.Change("anna", "move", "2025-W03/item:4"))
    result = invoke(cli_desk.review, "-c", str(story_config), "--week", "2025-W03")
    lines = result.output.splitlines()
    marked = [line.split()[0] for line in lines if line.startswith("    #") and " LOW " in line]
    assert marked == ["#3"]  # item 4 is as low, but the editor has placed it
    (confidence,) = [line for line in lines if line.startswith("  confidence:")]
    assert f"; {len(marked)} of 4 marked LOW" in confidence
