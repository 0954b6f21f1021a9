"""The `digest stories` command: list one week's stories with their dates and sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from digest.cli.common import common, out

if TYPE_CHECKING:
    from rich.table import Table

    from digest.models import Issue
    from digest.settings.schema import Settings


@click.command("stories")
@click.option("-w", "--week", help="ISO week, e.g. 2025-W03 (default: the last complete week).")
@click.option("-p", "--paragraphs", is_flag=True, help="Print each story's paragraph too.")
@common
def stories(settings: Settings, week: str | None, paragraphs: bool) -> None:
    """List the week's stories by section: key, date, sources and follow-ups (reads the store).

    Example: digest stories --week 2025-W03 --paragraphs
    """
    from rich.console import Console

    from digest import pipeline as run
    from digest.weeks import last_complete_week, now_utc, parse_week

    out = Console(highlight=False)  # the listing is the command's product: -q keeps it
    chosen = parse_week(week) if week else last_complete_week(now_utc(), settings.zone)
    store = run.open_store(settings)
    try:
        issue = run.issue_for_week(settings, store, chosen)
    finally:
        store.close()
    out.print(stories_table(issue))
    if paragraphs:
        for section in issue.sections:
            for story in section.stories:
                out.print(f"\n[bold]{story.key or '-'}[/bold] {story.paragraph}")


def stories_table(issue: Issue) -> Table:
    """The week's stories as a table: one row per story, its sources named in order."""
    from rich.table import Table

    table = Table("section", "key", "date", "sources", "notes", title=f"stories of {issue.week}")
    for section in issue.sections:
        for story in section.stories:
            names = ", ".join(c.name for c in story.credits)
            notes = [f"follow-up of {story.follow_up_of}"] if story.follow_up_of else []
            notes += ["edited"] if story.edited else []
            day = story.date.isoformat() if story.date else "-"
            table.add_row(section.id, story.key or "-", day, names, "; ".join(notes))
    if not issue.story_count:
        table.caption = "no stories: nothing stored for this week"
    return table


@click.command("lint")
@click.option("-w", "--week", required=True, help="ISO week of a built issue, e.g. 2025-W03.")
@common
def lint(settings: Settings, week: str) -> int:
    """List every link in a week's built files with its verdict; exit 1 on a refused one.

    Example: digest lint --week 2025-W03
    """
    from rich.table import Table

    from digest.compose.policy import lint_folder
    from digest.weeks import parse_week

    chosen = parse_week(week)
    verdicts = lint_folder(settings.out_dir / chosen.label, settings)
    table = Table("file", "verdict", "url", "why", title=f"links in {chosen.label}")
    for v in verdicts:
        table.add_row(v.file, "ok" if v.allowed else "FORBIDDEN", v.url, v.reason)
    out.print(table)
    refused = sum(not v.allowed for v in verdicts)
    out.print(f"{len(verdicts)} link(s), {refused} forbidden")
    return 1 if refused else 0
