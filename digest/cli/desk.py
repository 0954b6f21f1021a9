"""The editor's commands: `desk`, `move`, `exclude`, `review` and `hash-password` (declarations)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from digest.cli.common import common, global_options, out
from digest.errors import DigestError

if TYPE_CHECKING:
    from digest.editorial.draft import Draft
    from digest.settings.schema import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _editor() -> str:
    """Who a command-line change is recorded as: the login name."""
    import getpass

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
    import logging

    import uvicorn

    from digest.desk.app import create_app

    app = create_app(settings, dev=dev, host=host)
    if host not in LOOPBACK:
        logging.getLogger(__name__).warning(
            "the desk listens on %s: put it behind HTTPS before others reach it", host
        )
    out.print(f"The editor's desk is at http://{host}:{port}/ (Ctrl+C stops it)")
    # proxy headers are read by the app, from desk.trusted_proxies only
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


@click.command()
@click.argument("key")
@click.argument("section")
@click.option("--as", "who", default=None, help="Record the change as this editor.")
@common
def move(settings: Settings, key: str, section: str, who: str | None) -> None:
    """Put a story (its key, e.g. i36: all its reports) or one item (its id, e.g. 42) in a
    section (or off_topic); re-classifying never undoes it. An item moved out of a story of
    several reports leaves that story, and the message says so.

    Example: digest move i36 political
    """
    from digest import pipeline as run
    from digest.editorial import operations as editing

    store = run.open_store(settings)
    out.print(editing.move(settings, store, key, section, who or _editor()), markup=False)


@click.command()
@click.argument("key")
@click.option("--undo", is_flag=True, help="Include the story or item again.")
@click.option("--as", "who", default=None, help="Record the change as this editor.")
@common
def exclude(settings: Settings, key: str, undo: bool, who: str | None) -> None:
    """Leave a story (key, e.g. i36) or one item (id, e.g. 42) out of every issue (--undo
    takes it back in).

    Example: digest exclude i36
    """
    from digest import pipeline as run
    from digest.editorial import operations as editing

    store = run.open_store(settings)
    message = editing.exclude(settings, store, key, who or _editor(), excluded=not undo)
    out.print(message, markup=False)


@click.command()
@click.option("-w", "--week", required=True, help="ISO week, e.g. 2025-W03.")
@click.option(
    "--json", "as_json", is_flag=True, help="The draft as JSON, in the built issue's shape."
)
@common
def review(settings: Settings, week: str, as_json: bool) -> None:
    """Print the week's draft by section, low-confidence items marked, then its coverage.

    With --json: the draft in the shape of the built issue's JSON, the stories that wait for a
    paragraph in the digest's language included under "waiting".

    Example: digest review --week 2025-W03 --json
    """
    from digest import pipeline as run
    from digest.editorial.draft import load_draft, review_threshold
    from digest.weeks import parse_week

    threshold = review_threshold(settings)
    draft = load_draft(settings, run.open_store(settings), parse_week(week), threshold)
    if as_json:
        from digest.render.jsonout import document

        text = json.dumps(document(draft.issue), ensure_ascii=False, indent=2, sort_keys=True)
        click.echo(text)
        return
    for line in draft_lines(draft) + waiting_lines(draft) + coverage_lines(draft):
        click.echo(line)  # the draft is the command's product: -q keeps it


@click.command("hash-password")
@click.option("--name", default="editor", show_default=True, help="The user's name.")
@global_options
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
    lines.append(
        f"review threshold {draft.threshold:.2f}; LOW marks items the model placed under it"
    )
    for section in issue.sections:
        lines += ["", f"{section.number}. {section.heading} ({len(section.stories)})"]
        for story in section.stories:
            day = story.date.isoformat() if story.date else "undated"
            edited = " [edited]" if story.edited else ""
            lines.append(f"  {story.key:<8} {day}{edited}")
            made = "; ".join(n for n in (story.date_note, story.paragraph_note) if n)
            if made:
                lines.append(f"    ({made})")
            for item in story.items:
                lines.append("    " + _item_line(draft, item))
    return lines


def waiting_lines(draft: Draft) -> list[str]:
    """The stories reported only in another language: their lead, waiting for a paragraph."""
    waiting = draft.issue.waiting
    if not waiting:
        return []
    lines = ["", f"Waiting for a paragraph in {draft.issue.language} ({len(waiting)})"]
    for story in waiting:
        day = story.date.isoformat() if story.date else "undated"
        lines.append(f"  {story.key:<8} {day} {story.section} [{story.language}]")
        lead = story.paragraph if len(story.paragraph) <= 160 else story.paragraph[:159] + "…"
        lines.append(f"    {lead}")
        lines.append(f"    ({story.paragraph_note})")
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
        lines.append(
            f"  confidence: {figures}; {cover.low} of {len(cover.scores)} marked LOW"
            f" (placed by the model under {draft.threshold:.2f})"
        )
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
