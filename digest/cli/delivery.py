"""The delivery commands `run`, `schedule` and `send`: declarations only, registered in main.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.cli.common import common, options, out
from digest.errors import DigestError, PartialFailure

if TYPE_CHECKING:
    from digest.delivery.deliver import DeliveryReport
    from digest.settings.schema import Settings

SCHEDULE_LOG = "digest.delivery.schedule"  # the logger of the scheduler and its weekly runs


def _print_report(report: DeliveryReport) -> None:
    """The delivery outcome: who did not get a copy and why, then the one-line summary."""
    from rich.table import Table

    if report.failed or report.problems:
        table = Table("recipient", "reason", title=f"not delivered ({report.week})")
        for address, reason in report.failed:
            table.add_row(address, reason)
        for problem in report.problems:
            table.add_row("", problem)
        out.print(table)
    for path in report.written:
        out.print(str(path))
    out.print(report.summary(), markup=False)


def _finish(report: DeliveryReport) -> None:
    """Print the report; exit 3 when some recipients did not get their copy, 1 when none did."""
    _print_report(report)
    if not report.ok:
        count = len(report.failed) + len(report.problems)
        kind = PartialFailure if report.sent or report.skipped else DigestError
        raise kind(f"{report.week}: {count} recipient(s) did not get the issue (see above)")


@click.command("run")
@click.option("--dry-run", is_flag=True, help="Write .eml files to out/<week>/mail/, send nothing.")
@common
def run_cmd(settings: Settings, dry_run: bool) -> None:
    """One full cycle: ingest, classify, build the last complete week and deliver it.

    Exit code 3 when some sources failed or some recipients did not get the issue.

    Example: digest run -c sources.yaml
    """
    from digest import pipeline as stages
    from digest.cli.common import raise_for_sources
    from digest.delivery import deliver as delivery

    store = stages.open_store(settings)
    result = delivery.cycle(settings, store, dry_run=dry_run)
    failed = [s for s in result.sources if s.error]
    for source in failed:
        out.print(f"source {source.source_id} failed: {source.error}", markup=False)
    out.print(f"built {len(result.paths)} files for {result.week}", markup=False)
    _finish(result.delivery)
    raise_for_sources([(s.source_id, s.error) for s in result.sources])


@click.command("send")
@click.option("-w", "--week", required=True, help="ISO week of the issue, e.g. 2025-W03.")
@click.option("--to", "to", multiple=True, help="Only this address, sent again (repeat).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "text"]),
    default="html",
    show_default=True,
    help="Format for a --to address that is not a subscriber.",
)
@click.option("--resend", is_flag=True, help="Send again to recipients who already have it.")
@click.option("--dry-run", is_flag=True, help="Write .eml files to out/<week>/mail/, send nothing.")
@common
def send(settings: Settings, week: str, to, fmt: str, resend: bool, dry_run: bool) -> None:
    """Send a week's issue by hand; recipients already served are skipped unless named or --resend.

    Example: digest send --week 2025-W03 --to analyst@example.org
    """
    from digest import pipeline as stages
    from digest.delivery import deliver as delivery
    from digest.weeks import parse_week

    store = stages.open_store(settings)
    report = delivery.deliver(
        settings, store, parse_week(week), to=to, to_format=fmt, dry_run=dry_run, resend=resend
    )
    _finish(report)


@click.command("schedule")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the log (each run, its outcome) to this file.")  # fmt: skip
@common
def schedule(settings: Settings, log_file: Path | None) -> None:
    """Run the weekly cycle on the configured schedule until stopped (SIGTERM or Ctrl-C).

    Each run and its outcome is printed (and, with --log-file, appended to the file).

    Example: digest schedule --log-file /var/log/digest.log
    """
    import threading

    from digest.delivery import schedule as scheduling

    config_path = Path(options().config_path).resolve()
    _schedule_logging(log_file)
    stop = threading.Event()
    scheduling.stop_on_signals(stop)
    scheduling.serve(settings, config_path, stop)


def _schedule_logging(log_file: Path | None) -> None:
    """Runs and outcomes on stdout; with a log file, everything at INFO and up, timestamped."""
    import logging

    from digest.cli.logs import Announce

    root = logging.getLogger()
    for handler in root.handlers:
        handler.setLevel(root.level)  # the console keeps the level -q/-v chose
    runs = logging.getLogger(SCHEDULE_LOG)
    runs.setLevel(logging.INFO)
    for old in [h for h in runs.handlers if isinstance(h, Announce)]:
        runs.removeHandler(old)  # a second `schedule` in the same process (the tests)
    runs.addHandler(Announce(out))
    if log_file:
        try:
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise DigestError(f"{log_file}: cannot write the log file ({exc.strerror})") from exc
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(min(root.level, logging.INFO))


@click.command("unsubscribe")
@click.argument("address")
@click.option("--undo", is_flag=True, help="Subscribe the address again.")
@common
def unsubscribe_cmd(settings: Settings, address: str, undo: bool) -> None:
    """Stop (or with --undo, resume) sending the issue to an address; delivery skips it.

    ADDRESS may also be the token from an unsubscribe mail's subject ("unsubscribe TOKEN").

    Example: digest unsubscribe anna@example.org
    """
    from digest import pipeline as stages
    from digest.delivery.recipients import address_problem
    from digest.store import unsubscribes

    if "@" not in address:
        address = _token_address(settings, address)
    problem = address_problem(address)
    if problem:
        raise DigestError(problem)
    store = stages.open_store(settings)
    mailbox = unsubscribes.mailbox(address)
    if undo:
        done = unsubscribes.resubscribe(store, address)
        said = "subscribed again" if done else "was not unsubscribed"
        out.print(f"{mailbox}: {said}", markup=False)
    else:
        done = unsubscribes.unsubscribe(store, address, via="command")
        said = "unsubscribed" if done else "already unsubscribed"
        out.print(f"{mailbox}: {said}", markup=False)


def _token_address(settings: Settings, value: str) -> str:
    """The address an unsubscribe token was made for; DigestError when it names nobody."""
    from digest.delivery import unsubscribe as tokens

    token = value.strip().removeprefix("unsubscribe").strip()
    found = None
    if settings.delivery is not None:
        found = tokens.address_of(tokens.secret(settings.delivery), token)
    if found is None:
        raise DigestError(f"bad address '{value}': expected name@domain or a valid token")
    return found


COMMANDS = (run_cmd, send, schedule, unsubscribe_cmd)
