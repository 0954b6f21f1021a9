"""The `digest stories` command: its help, and the table it prints for a week's stories."""

from click.testing import CliRunner

from digest.cli.stories import stories, stories_table
from digest.compose.issue import build_issue
from digest.compose.stories import stories_from_items
from digest.weeks import parse_week
from tests.conftest import make_settings
from tests.test_stories import report_item


def test_help_ends_with_an_example():
    got = CliRunner().invoke(stories, ["--help"])
    assert got.exit_code == 0 and "Example: digest stories --week" in got.output


def test_the_table_lists_each_story_with_all_its_sources(tmp_path):
    settings = make_settings(tmp_path)
    items = [report_item("call-a", 7), report_item("call-c", 5), report_item("staff-a", 3)]
    items.append(report_item("call-b", 9))
    issue = build_issue(parse_week("2025-W03"), stories_from_items(items, settings), settings)
    table = stories_table(issue)
    assert table.row_count == 2
    sources = list(table.columns[3].cells)
    assert "Pozirk, Kremlin, Pul Pervogo" in sources and "iSANS" in sources
