"""The editor's operations for the CLI and the desk; each is checked, audited and refused once
the week is published. Moves and exclusions live on items (re-classifying never touches them);
paragraph edits and positions live per (week, story key)."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest import pipeline as run
from digest import publish as writer
from digest.errors import DigestError
from digest.models import Issue, Item, Story
from digest.settings.schema import Settings
from digest.store import Store
from digest.store import editing as db
from digest.weeks import Week, week_of_moment

log = logging.getLogger(__name__)
OFF_TOPIC = "off_topic"


@dataclass(frozen=True)
class Published:
    """What publishing a week did: the files written, and what delivery said (or why it did not)."""

    week: str
    paths: tuple[Path, ...]
    delivery: object | None
    notice: str


def section_choices(settings: Settings) -> list[str]:
    """The sections an item may be moved to: the configured ones in order, then off_topic."""
    return [s.id for s in settings.ordered_sections] + [OFF_TOPIC]


def item_week(settings: Settings, item: Item) -> str | None:
    """The ISO week an item belongs to (a past issue's week, else its date's); None if undated."""
    if item.issue_week:
        return item.issue_week
    return week_of_moment(item.published, settings.zone).label if item.published else None


def ensure_draft(store: Store, week: str) -> None:
    """Refuse (DigestError) any change to a week whose issue is published."""
    state = db.week_state(store, week)
    if state.status == db.PUBLISHED:
        raise DigestError(
            f"the {week} issue was published by {state.changed_by or 'someone'}; "
            "reopen it before changing it"
        )


def move_item(settings: Settings, store: Store, item_id: int, section: str, who: str) -> None:
    """Put one item in a section (or off_topic); the editor's choice wins over the model's."""
    item, section = _item(store, item_id), _section(settings, section)
    week = _check_week(settings, store, item)
    change = db.Change(_who(who), "move", f"{week}/item:{item_id}", item.section, section)
    db.set_section(store, [item_id], section, change)


def exclude_item(
    settings: Settings, store: Store, item_id: int, who: str, excluded: bool = True
) -> None:
    """Leave one item out of every issue (or take it back in with excluded=False)."""
    item = _item(store, item_id)
    week = _check_week(settings, store, item)
    action = "exclude" if excluded else "include"
    target = f"{week}/item:{item_id}"
    change = db.Change(_who(who), action, target, _inout(item.excluded), _inout(excluded))
    db.set_excluded(store, [item_id], excluded, change)


def move_story(
    settings: Settings, store: Store, week: Week, key: str, section: str, who: str
) -> None:
    """Move every item of a story to another section; its old position there is forgotten."""
    section = _section(settings, section)
    ensure_draft(store, week.label)
    story = find_story(edited_issue(settings, store, week), key)
    target = f"{week.label}/story:{key}"
    change = db.Change(_who(who), "move", target, story.section, section)
    db.set_section(store, _ids(story), section, change)
    old = db.story_edits_for(store, week.label).get(key)
    if old and old.position is not None:
        forget = db.Change(who, "reorder", target, str(old.position), None)
        db.set_positions(store, week.label, {key: None}, forget)


def exclude_story(settings: Settings, store: Store, week: Week, key: str, who: str) -> None:
    """Leave every item of a story out of the issue (exclude_item takes each back in)."""
    ensure_draft(store, week.label)
    story = find_story(edited_issue(settings, store, week), key)
    change = db.Change(_who(who), "exclude", f"{week.label}/story:{key}", "included", "excluded")
    db.set_excluded(store, _ids(story), True, change)


def edit_paragraph(
    settings: Settings, store: Store, week: Week, key: str, paragraph: str, who: str
) -> None:
    """Replace a story's paragraph with the editor's text; empty text restores the generated one."""
    ensure_draft(store, week.label)
    story = find_story(edited_issue(settings, store, week), key)
    text = " ".join(paragraph.split()) or None
    if text == story.paragraph or (text is None and not story.edited):
        return
    change = db.Change(_who(who), "edit", f"{week.label}/story:{key}", story.paragraph, text)
    db.set_paragraph(store, week.label, key, text, change)


def reorder(
    settings: Settings, store: Store, week: Week, section: str, keys: Sequence[str], who: str
) -> None:
    """Put a section's stories in the given order; `keys` must name each of them once."""
    ensure_draft(store, week.label)
    issue = edited_issue(settings, store, week)
    current = [s.key for sec in issue.sections if sec.id == section for s in sec.stories]
    if not current or sorted(keys) != sorted(current):
        raise DigestError(f"the new order must list each story of {section} once: {current}")
    change = db.Change(
        _who(who), "reorder", f"{week.label}/{section}", ",".join(current), ",".join(keys)
    )
    db.set_positions(store, week.label, {k: n for n, k in enumerate(keys)}, change)


def publish(settings: Settings, store: Store, week: Week, who: str) -> Published:
    """Build the week's edited issue, mark it published, and hand it to delivery if there is one."""
    ensure_draft(store, week.label)
    issue = edited_issue(settings, store, week)
    if issue.story_count == 0:
        raise DigestError(f"the {week.label} issue has no stories; there is nothing to publish")
    paths = run.write_built(settings, issue)
    change = db.Change(_who(who), "publish", week.label, db.DRAFT, db.PUBLISHED)
    db.set_week_status(store, week.label, db.PUBLISHED, change)
    paths += writer.write_archive(settings, db.published_weeks(store))  # now listed as published
    try:
        delivery, notice = _deliver(settings, store, week)
    except DigestError as exc:
        raise DigestError(
            f"the {week.label} issue is published, but delivery failed: {exc}"
        ) from exc
    return Published(week.label, tuple(paths), delivery, notice)


def reopen(settings: Settings, store: Store, week: Week, who: str, reason: str) -> None:
    """Make a published week a draft again; only deliberately, with the reason recorded."""
    if db.week_state(store, week.label).status != db.PUBLISHED:
        raise DigestError(f"the {week.label} issue is not published; there is nothing to reopen")
    if not reason.strip():
        raise DigestError("say why the issue is reopened (the reason is kept in the audit log)")
    after = f"{db.DRAFT}: {' '.join(reason.split())}"
    db.set_week_status(
        store, week.label, db.DRAFT, db.Change(_who(who), "reopen", week.label, db.PUBLISHED, after)
    )


def write_issue(settings: Settings, store: Store, issue: Issue) -> list[Path]:
    """Render an issue in every format and write it to out/ with the archive, as run.build does."""
    return run.write_built(settings, issue) + writer.write_archive(
        settings, db.published_weeks(store)
    )


def edited_issue(settings: Settings, store: Store, week: Week) -> Issue:
    """The week's issue from the store; run.issue_for_week applies the editor's edits."""
    return run.issue_for_week(settings, store, week)


def find_story(issue: Issue, key: str) -> Story:
    """The story with this key in the issue (or among those waiting), or a DigestError naming it."""
    for story in [s for section in issue.sections for s in section.stories] + list(issue.waiting):
        if story.key == key:
            return story
    raise DigestError(f"no story {key} in the {issue.week} draft")


def _deliver(settings: Settings, store: Store, week: Week) -> tuple[object | None, str]:
    """Hand the week to delivery when it exists and is configured; say so otherwise."""
    if importlib.util.find_spec("digest.delivery.deliver") is None:
        notice = (
            f"the {week.label} issue is published but not sent: digest.delivery.deliver is missing"
        )
    elif settings.delivery is None:
        notice = f"the {week.label} issue is published but not sent: no delivery in the config"
    else:
        report = importlib.import_module("digest.delivery.deliver").deliver(settings, store, week)
        return report, f"the {week.label} issue is published and handed to delivery"
    log.warning("%s", notice)
    return None, notice


def _check_week(settings: Settings, store: Store, item: Item) -> str:
    """The item's week label ("undated" if none), refusing a published week."""
    week = item_week(settings, item)
    if week:
        ensure_draft(store, week)
    return week or "undated"


def _item(store: Store, item_id: int) -> Item:
    item = store.get_item(item_id)
    if item is None:
        raise DigestError(f"no item with id {item_id}")
    return item


def _section(settings: Settings, section: str) -> str:
    choices = section_choices(settings)
    if section not in choices:
        raise DigestError(f"unknown section '{section}' (expected: {', '.join(choices)})")
    return section


def _who(who: str) -> str:
    if not who or not who.strip():
        raise DigestError("every change needs the editor's name")
    return who.strip()


def _inout(excluded: bool) -> str:
    return "excluded" if excluded else "included"


def _ids(story: Story) -> list[int]:
    return [i.id for i in story.items if i.id is not None]
