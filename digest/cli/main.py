"""The `digest` command: declarations only; each command calls run.py or a stage."""

from __future__ import annotations

import json
import sys
import traceback

import click
from rich.table import Table

from digest import pipeline as run
from digest.cli.common import common, err, out
from digest.cli.progress import source_progress
from digest.errors import DigestError
from digest.extract.check import extract_targets
from digest.models import Extracted
from digest.settings.loading import load_settings
from digest.settings.schema import Settings
from digest.weeks import (
    day_start,
    last_complete_week,
    now_utc,
    parse_day,
    parse_week,
    week_for_issue_date,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="digest")
def cli() -> None:
    """Build the weekly briefing digest: ingest sources, classify, build the issue."""


@cli.command()
@click.option("-s", "--source", "source_ids", multiple=True, help="Only this source (repeat).")
@click.option("--since", help="Go back no further than this date (YYYY-MM-DD).")
@common
def ingest(settings: Settings, source_ids: tuple[str, ...], since: str | None) -> None:
    """Read the sources and store new items (re-running stores nothing twice).

    Example: digest ingest --source seeds --since 2025-01-13
    """
    store = run.open_store(settings)
    quiet = click.get_current_context().obj["quiet"]
    start = day_start(parse_day(since), settings.zone) if since else None
    with source_progress(err, disable=quiet) as progress:
        results = run.ingest(settings, store, source_ids, progress=progress, since=start)
    table = Table("source", "new", "unchanged", "failed", "error", title="ingest")
    for r in results:
        error = r.error or ""
        error = error if len(error) <= 90 else error[:89] + "…"  # in full in the log above
        table.add_row(r.source_id, str(r.new), str(r.unchanged), str(r.failed), error)
    if not quiet:
        out.print(table)
    if results and all(r.error for r in results):
        raise DigestError("every source failed")


@cli.command()
@click.option("-w", "--week", help="ISO week to build, e.g. 2025-W03.")
@click.option("-d", "--date", "issue_date", help="Issue date (a Monday), e.g. 2025-01-20.")
@click.option("--last", is_flag=True, help="The last complete week.")
@click.option("--all", "all_weeks", is_flag=True, help="Every week that has stored items.")
@click.option("-f", "--format", "formats", multiple=True, help="Only this format (repeat).")
@click.option("--allow-empty", is_flag=True, help="Build a week that has no stories (unlisted).")
@common
def build(settings: Settings, week, issue_date, last, all_weeks, formats, allow_empty) -> None:
    """Build a week's issue into out/<week>/ from the store (no network needed).

    A week with no stories is refused (exit 1) unless --allow-empty; --all skips such weeks.

    Example: digest build --week 2025-W03
    """
    chosen = [bool(week), bool(issue_date), last, all_weeks]
    if sum(chosen) != 1:
        raise DigestError("name exactly one of --week, --date, --last or --all")
    store = run.open_store(settings)
    if all_weeks:
        weeks = run.weeks_with_items(settings, store)
        if not weeks:
            raise DigestError("no stored items: run 'digest ingest' first")
    elif week:
        weeks = [parse_week(week)]
    elif issue_date:
        weeks = [week_for_issue_date(parse_day(issue_date))]
    else:
        weeks = [last_complete_week(now_utc(), settings.zone)]
    try:
        paths = run.build_weeks(
            settings, store, weeks, formats, allow_empty=allow_empty, skip_empty=all_weeks
        )
    except run.BuildError as exc:
        for path in exc.paths:
            click.echo(str(path))
        raise
    for path in paths:
        click.echo(str(path))


@cli.command()
@click.argument("what", type=click.Choice(["list", "status"]), default="list")
@common
def sources(settings: Settings, what: str) -> None:
    """List the sources with their item counts; `status`: last success and last error of each.

    Example: digest sources status
    """
    store = run.open_store(settings)
    counts = store.counts_by_source()
    if what == "list":
        table = Table("id", "kind", "name", "link", "location", "items")
        for s in settings.sources:
            link = "yes" if s.link else "no"
            table.add_row(s.id, s.kind, s.name, link, s.location, str(counts.get(s.id, 0)))
    else:
        table = Table("id", "items", "last run", "last success", "last error")
        for row in run.source_status(settings, store):
            table.add_row(*row)
    out.print(table)


@cli.command("extract")
@click.argument("targets", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.option("-c", "--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Configuration (for the User-Agent); optional.")  # fmt: skip
def extract_command(targets: tuple[str, ...], as_json: bool, config_path: str | None) -> None:
    """Print the clean text (or JSON with url, title, date, language, text) of files or URLs.

    Example: digest extract seeds/000_049cb04e996bdf71.txt --json
    """
    agent = load_settings(config_path).user_agent if config_path else Settings.model_fields[
        "user_agent"].default  # fmt: skip
    failed = 0
    for found in extract_targets(targets, agent):
        failed += found.result is None
        if as_json:
            click.echo(json.dumps(found.as_record(), ensure_ascii=False))
        elif found.result is None:
            err.print(f"digest: error: {found.error}", markup=False)
        else:
            r = found.result
            click.echo(f"# {r.title or found.target}\n{_date_line(r)}\n\n{r.text}\n")
    if failed:
        raise DigestError(f"{failed} of {len(targets)} targets could not be extracted")


def _date_line(result: Extracted) -> str:
    when = result.published.isoformat() if result.published else "no date"
    return f"date: {when} ({result.date_method}; {result.date_note}) language: {result.language}"


def _register() -> None:
    """Add the commands declared in the other cli_* modules (they import `common` from here)."""
    from digest.cli.archive import remove
    from digest.cli.delivery import COMMANDS as DELIVERY
    from digest.cli.desk import desk, exclude, hash_password, move, review
    from digest.cli.model import COMMANDS as MODEL
    from digest.cli.stories import lint, stories

    commands = (*MODEL, *DELIVERY, stories, lint, desk, move, exclude, review, hash_password)
    for command in (*commands, remove):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; expected failures print one line and exit non-zero."""
    try:
        result = cli.main(args=argv, prog_name="digest", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Abort:
        err.print("digest: aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except DigestError as exc:
        lines = str(exc).splitlines() or ["failed"]
        err.print(f"digest: error: {lines[0]}", markup=False)
        for line in lines[1:]:
            err.print(f"digest: error: {line}", markup=False)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv):
            traceback.print_exc()
        if type(exc).__module__.startswith("sqlalchemy"):  # e.g. a locked database: no SQL text
            from digest.store.db import database_problem

            err.print(f"digest: error: {database_problem(exc)}", markup=False)
            return 1
        err.print(f"digest: internal error: {type(exc).__name__}: {exc}", markup=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
