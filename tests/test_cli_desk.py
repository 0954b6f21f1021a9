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
from tests.desk_fixture import load_week


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
