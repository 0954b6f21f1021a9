"""The editor's commands: `desk`, `move`, `exclude`, `review` and `hash-password` (declarations)."""

from __future__ import annotations

import getpass
import logging

import click

from digest import pipeline as run
from digest.cli.common import common, out
from digest.editorial import operations as editing
from digest.editorial.draft import Draft, load_draft, review_threshold
from digest.errors import DigestError
from digest.settings.schema import Settings
from digest.weeks import parse_week

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _editor() -> str:
    """Who a command-line change is recorded as: the login name."""
    return getpass.getuser()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8750, show_default=True, type=click.IntRange(1, 65535))
@click.option("--dev", is_flag=True, help="Without a session secret, make a random one.")
@common
def desk(settings: Settings, host: str, port: int, dev: bool) -> None:
    """Start the editor's desk, a local web app to review, correct and publish the issue.

    Needs a session secret in $DIGEST_DESK_SECRET (or the variable named in desk.secret_env)
    and users in desk.users or $DIGEST_DESK_PASSWORD for a single editor named "editor".

    Example: digest desk --port 8750
    """
    import uvicorn

    from digest.desk.app import create_app

    app = create_app(settings, dev=dev, host=host)
    if host not in LOOPBACK:
        log.warning("the desk listens on %s: put it behind HTTPS before others reach it", host)
    out.print(f"The editor's desk is at http://{host}:{port}/ (Ctrl+C stops it)")
    # proxy headers are read by the app, from desk.trusted_proxies only
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


@click.command()
@click.argument("item", type=int)
@click.argument("section")
@click.option("--as", "who", default=None, help="Record the change as this editor.")
@common
def move(settings: Settings, item: int, section: str, who: str | None) -> None:
    """Put a stored item in a section (or off_topic); re-classifying never undoes it.

    Example: digest move 42 political
    """
    editing.move_item(settings, run.open_store(settings), item, section, who or _editor())
    out.print(f"item {item} is now in {section}")


@click.command()
@click.argument("item", type=int)
@click.option("--undo", is_flag=True, help="Include the item again.")
@click.option("--as", "who", default=None, help="Record the change as this editor.")
@common
def exclude(settings: Settings, item: int, undo: bool, who: str | None) -> None:
    """Leave a stored item out of every issue (--undo takes it back in).

    Example: digest exclude 42
    """
    store = run.open_store(settings)
    editing.exclude_item(settings, store, item, who or _editor(), excluded=not undo)
    out.print(f"item {item} is {'included again' if undo else 'excluded'}")


@click.command()
@click.option("-w", "--week", required=True, help="ISO week, e.g. 2025-W03.")
@common
def review(settings: Settings, week: str) -> None:
    """Print the week's draft by section, low-confidence items marked, then its coverage.

    Example: digest review --week 2025-W03
    """
    threshold = review_threshold(settings)
    draft = load_draft(settings, run.open_store(settings), parse_week(week), threshold)
    for line in draft_lines(draft) + coverage_lines(draft):
        out.print(line, markup=False, highlight=False)


@click.command("hash-password")
@click.option("--name", default="editor", show_default=True, help="The user's name.")
def hash_password(name: str) -> None:
    """Ask for a password and print a desk.users entry with its scrypt hash.

    Example: digest hash-password --name anna
    """
    from digest.desk.auth import hash_password as make_hash

    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise DigestError("use a password of at least 8 characters")
    click.echo(f"  - name: {name}\n    password_hash: '{make_hash(password)}'")


def draft_lines(draft: Draft) -> list[str]:
    """The draft by section: each story's items with their confidence, low ones marked."""
    issue = draft.issue
    lines = [f"{issue.title} ({draft.week.label}, {draft.state.status})"]
    lines.append(f"review threshold {draft.threshold:.2f}; LOW marks items under it")
    for section in issue.sections:
        lines += ["", f"{section.number}. {section.heading} ({len(section.stories)})"]
        for story in section.stories:
            day = story.date.isoformat() if story.date else "undated"
            edited = " [edited]" if story.edited else ""
            lines.append(f"  {story.key:<8} {day}{edited}")
            for item in story.items:
                lines.append("    " + _item_line(draft, item))
    return lines


def coverage_lines(draft: Draft) -> list[str]:
    """The coverage report: items per source and section, gaps, and the spread of confidence."""
    cover = draft.coverage
    lines = ["", "Coverage", "  items per source and section:"]
    for source, counts in cover.per_source.items():
        cells = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        lines.append(f"    {source}: {cells}")
    if not cover.per_source:
        lines.append("    (no items this week)")
    failed = [f"{sid} ({error})" for sid, error in cover.failed.items()]
    lines.append(f"  failed on their last run: {', '.join(failed) or 'none'}")
    lines.append(f"  silent this week: {', '.join(cover.silent) or 'none'}")
    lines.append(f"  undated items left out: {len(cover.undated)}")
    lines += [f"    #{i.id} {i.source_id}: {(i.title or i.text)[:70]}" for i in cover.undated]
    lines.append(f"  empty sections: {', '.join(cover.empty_sections) or 'none'}")
    spread = cover.spread()
    if spread:
        figures = " ".join(f"{k} {v:.2f}" for k, v in spread.items())
        lines.append(f"  confidence: {figures}; {cover.low} of {len(cover.scores)} under threshold")
    else:
        lines.append("  confidence: nothing scored")
    lines.append(f"  left out of the draft: {len(draft.left_out)}")
    return lines


def _item_line(draft: Draft, item) -> str:
    """One item: id, confidence (LOW when under the threshold), who placed it, its title."""
    score = f"{item.section_score:.2f}" if item.section_score is not None else "  - "
    mark = "LOW" if draft.is_low(item) else "   "
    placed = "editor" if item.section_override else "model "
    title = (item.title or item.text).replace("\n", " ")[:70]
    return f"#{item.id:<5} {score} {mark} {placed} {item.source_id}: {title}"
