"""The `digest` command: declarations only; each command calls pipeline.py or a stage.

Start-up stays fast (`digest --help`, tab completion): the cli modules import click, rich's
console and the light modules only; a command imports its stage when it runs.
"""

from __future__ import annotations

import sys
import traceback
from typing import TYPE_CHECKING

import click

from digest.cli.common import (
    common,
    error_line,
    global_options,
    load_config,
    options,
    out,
    raise_for_sources,
)
from digest.errors import EXIT_CODE_LINES, DigestError, ExitCode, InputError, PartialFailure

if TYPE_CHECKING:
    from digest.models import Extracted
    from digest.settings.schema import Settings

EPILOG = "\b\nExit codes:\n" + "\n".join(f"  {code:<4}{what}" for code, what in EXIT_CODE_LINES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(package_name="digest")
@global_options
def cli() -> None:
    """Build the weekly briefing digest: ingest sources, classify, build the issue.

    The options -c/--config, -q/--quiet and -v/--verbose go before or after the command.
    """


@cli.command()
@click.option("-s", "--source", "source_ids", multiple=True, help="Only this source (repeat).")
@click.option("--since", help="Go back no further than this date (YYYY-MM-DD).")
@common
def ingest(settings: Settings, source_ids: tuple[str, ...], since: str | None) -> None:
    """Read the sources and store new items (re-running stores nothing twice).

    Exit code 3 when some sources failed, 1 when all did.

    Example: digest ingest --source seeds --since 2025-01-13
    """
    from rich.table import Table

    from digest import pipeline as run
    from digest.cli.common import err
    from digest.cli.progress import source_progress
    from digest.weeks import day_start, parse_day

    start = day_start(parse_day(since), settings.zone) if since else None
    store = run.open_store(settings)
    quiet = options().quiet or not err.console.is_terminal  # no progress in cron's mail
    with source_progress(err.console, disable=quiet) as progress:
        results = run.ingest(settings, store, source_ids, progress=progress, since=start)
    table = Table("source", "new", "unchanged", "failed", "error", title="ingest")
    for r in results:
        error = r.error or ""
        error = error if len(error) <= 90 else error[:89] + "…"  # in full in the log above
        table.add_row(r.source_id, str(r.new), str(r.unchanged), str(r.failed), error)
    out.print(table)
    raise_for_sources([(r.source_id, r.error) for r in results])


@cli.command()
@click.option("-w", "--week", help="ISO week to build, e.g. 2025-W03.")
@click.option("-d", "--date", "issue_date", help="Issue date (a Monday), e.g. 2025-01-20.")
@click.option("--last", is_flag=True, help="The last complete week.")
@click.option("--all", "all_weeks", is_flag=True, help="Every week that has stored items.")
@click.option("-f", "--format", "formats", multiple=True, help="Only this format (repeat).")
@click.option("--allow-empty", is_flag=True, help="Build a week that has no stories (unlisted).")
@global_options
def build(week, issue_date, last, all_weeks, formats, allow_empty) -> None:
    """Build a week's issue into out/<week>/ from the store (no network needed); print the paths.

    A week with no stories is refused (exit 1) unless --allow-empty; --all skips such weeks.

    Example: digest build --week 2025-W03
    """
    from digest.typeset.worker import pdf_worker

    chosen = [bool(week), bool(issue_date), last, all_weeks]
    if sum(chosen) != 1:
        raise InputError("name exactly one of --week, --date, --last or --all")
    # The PDF worker loads WeasyPrint while this process reads the settings and the store.
    with pdf_worker(wanted=not formats or "pdf" in formats) as worker:
        settings = load_config()
        _build(settings, week, issue_date, last, all_weeks, formats, allow_empty, worker)


def _build(settings: Settings, week, issue_date, last, all_weeks, formats, allow_empty, worker):
    from digest import pipeline as run
    from digest.weeks import last_complete_week, now_utc, parse_day, parse_week, week_for_issue_date

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
            settings,
            store,
            weeks,
            formats,
            allow_empty=allow_empty,
            skip_empty=all_weeks,
            pdf_worker=worker,
        )
    except run.BuildError as exc:
        for path in exc.paths:
            out.print(str(path), markup=False)
        raise
    for path in paths:
        out.print(str(path), markup=False)


@cli.command("extract")
@click.argument("targets", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@global_options
def extract_command(targets: tuple[str, ...], as_json: bool) -> None:
    """Print the clean text (or JSON with url, title, date, language, text) of files or URLs.

    A configuration (-c) is optional: only its User-Agent and fetch limits are used.
    Exit code 3 when some targets could not be extracted, 1 when none could.

    Example: digest extract seeds/000_049cb04e996bdf71.txt --json
    """
    import json

    from digest.extract.check import extract_targets

    config = options().config
    if config:
        from digest.settings.loading import load_settings

        agent = load_settings(config).user_agent
    else:
        from digest.settings.schema import Settings

        agent = Settings.model_fields["user_agent"].default
    failed = 0
    for found in extract_targets(targets, agent):
        failed += found.result is None
        if as_json:
            click.echo(json.dumps(found.as_record(), ensure_ascii=False))
        elif found.error or found.result is None:
            error_line(found.error or f"{found.target}: nothing extracted")
        else:
            r = found.result
            click.echo(f"# {r.title or found.target}\n{_date_line(r)}\n\n{r.text}\n")
    if failed:
        kind = DigestError if failed == len(targets) else PartialFailure
        raise kind(f"{failed} of {len(targets)} targets could not be extracted")


def _date_line(result: Extracted) -> str:
    when = result.published.isoformat() if result.published else "no date"
    return f"date: {when} ({result.date_method}; {result.date_note}) language: {result.language}"


def _register() -> None:
    """Add the commands declared in the other cli modules (each imports its stages lazily)."""
    from digest.cli.archive import remove
    from digest.cli.delivery import COMMANDS as DELIVERY
    from digest.cli.desk import desk, exclude, hash_password, move, review
    from digest.cli.model import COMMANDS as MODEL
    from digest.cli.onboarding import COMMANDS as ONBOARDING
    from digest.cli.sources import sources
    from digest.cli.stories import lint, stories

    commands = (*MODEL, *DELIVERY, stories, lint, desk, move, exclude, review, hash_password)
    for command in (*commands, remove):
        cli.add_command(command)
    for command in (sources, *ONBOARDING):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; a failure prints one line and returns its documented exit code."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = cli.main(args=argv, prog_name="digest", standalone_mode=False)
        return result if isinstance(result, int) else ExitCode.OK
    except click.exceptions.Abort:
        error_line("aborted")
        return ExitCode.ABORTED
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx:  # bare `digest`: the help
            click.echo(exc.ctx.get_help())
            return ExitCode.USAGE
        where = exc.ctx.command_path if exc.ctx else "digest"
        error_line(f"{exc.format_message()} (see '{where} --help')")
        return ExitCode.USAGE
    except click.ClickException as exc:
        error_line(exc.format_message())
        return exc.exit_code
    except DigestError as exc:
        for line in str(exc).splitlines() or ["failed"]:
            error_line(line)
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if "-v" in args or "--verbose" in args:
            traceback.print_exc()
        if type(exc).__module__.startswith("sqlalchemy"):  # e.g. a locked database: no SQL text
            from digest.store.db import database_problem

            error_line(database_problem(exc))
            return ExitCode.FAILURE
        error_line(f"internal error: {type(exc).__name__}: {exc}")
        return ExitCode.FAILURE


def run() -> None:
    """The `digest` command: main(), then exit with its code.

    Before exiting, everything the command made is frozen out of the garbage collector: the
    interpreter then skips collecting cycles among objects about to vanish with the process
    (a fifth of a second with the store and WeasyPrint loaded). Files and the database are
    closed by the commands themselves, not by finalizers.
    """
    code = main()
    import gc

    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
