"""The `digest remove` command: take a built issue out of out/, the archive index and the feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from digest.cli.common import common, out

if TYPE_CHECKING:
    from digest.settings.schema import Settings


@click.command("remove")
@click.option("-w", "--week", required=True, help="ISO week of the issue, e.g. 2030-W01.")
@common
def remove(settings: Settings, week: str) -> None:
    """Delete a built issue's files (out/<week>/) and drop it from out/index.html and feed.xml.

    The stored items stay: `digest build` makes the issue again.

    Example: digest remove --week 2030-W01
    """
    from digest import pipeline, publish
    from digest.store.editing import published_weeks
    from digest.weeks import parse_week

    label = parse_week(week).label
    published = published_weeks(pipeline.open_store(settings))
    removed = publish.remove_issue(settings, label, published)
    for path in removed:
        click.echo(str(path))
    out.print(f"the {label} issue is removed from {settings.out_dir} and its archive and feed")
