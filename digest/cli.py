"""The `digest` command: declarations only; each command calls run.py or a stage."""

from __future__ import annotations

import functools
import logging
import sys
import traceback

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from digest import run
from digest.config import DEFAULT_CONFIG, Settings, load_settings
from digest.errors import DigestError
from digest.progress import source_progress
from digest.weeks import (
    last_complete_week,
    now_utc,
    parse_day,
    parse_week,
    week_for_issue_date,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def common(func):
    """Add -c/--config, --quiet and --verbose to a command and hand it the loaded Settings."""

    @click.option(
        "-c",
        "--config",
        "config_path",
        default=DEFAULT_CONFIG,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The configuration file.",
    )
    @click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
    @click.option("-v", "--verbose", is_flag=True, help="Print progress details.")
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx, config_path, quiet, verbose, **kwargs):
        _logging(quiet, verbose)
        ctx.obj = {"quiet": quiet, "verbose": verbose}
        return func(load_settings(config_path), **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="digest")
def cli() -> None:
    """Build the weekly briefing digest: ingest sources, classify, build the issue."""


@cli.command()
@click.option("-s", "--source", "source_ids", multiple=True, help="Only this source (repeat).")
@common
def ingest(settings: Settings, source_ids: tuple[str, ...]) -> None:
    """Read the sources and store new items (re-running stores nothing twice).

    Example: digest ingest --source seeds
    """
    store = run.open_store(settings)
    quiet = click.get_current_context().obj["quiet"]
    with source_progress(err, disable=quiet) as progress:
        results = run.collect(settings, store, source_ids, progress=progress)
    table = Table("source", "new", "unchanged", "failed", "error", title="ingest")
    for r in results:
        table.add_row(r.source_id, str(r.new), str(r.unchanged), str(r.failed), r.error or "")
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
@common
def build(settings: Settings, week, issue_date, last, all_weeks, formats) -> None:
    """Build a week's issue into out/<week>/ from the store (no network needed).

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
    for w in weeks:
        for path in run.build(settings, store, w, formats):
            click.echo(str(path))


@cli.command()
@common
def sources(settings: Settings) -> None:
    """List the configured sources with the number of items stored from each.

    Example: digest sources -c sources.yaml
    """
    counts = run.open_store(settings).counts_by_source()
    table = Table("id", "kind", "name", "link", "location", "items")
    for s in settings.sources:
        link = "yes" if s.link else "no"
        table.add_row(s.id, s.kind, s.name, link, s.location, str(counts.get(s.id, 0)))
    out.print(table)


def _logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    handler = RichHandler(console=err, show_time=False, show_path=False)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)


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
        err.print(f"digest: internal error: {type(exc).__name__}: {exc}", markup=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
