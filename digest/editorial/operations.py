"""The editor's operations for the CLI and the desk; each is checked, audited and refused once
the week is published. Moves and exclusions live on items (re-classifying never touches them);
paragraph edits and positions live per (week, story key)."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
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
from digest.weeks import Week, parse_week, week_of_moment

log = logging.getLogger(__name__)
OFF_TOPIC = "off_topic"
_KEY = re.compile(r"(?i)(i)?#?(\d+)")  # "i36" a story, "36" or "#36" an item
_EXCLUDED_IDS = re.compile(r"\(items ([\d, ]+)\)")


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
    ids = _ids(story)
    after = f"excluded (items {', '.join(map(str, ids))})"
    change = db.Change(_who(who), "exclude", f"{week.label}/story:{key}", "included", after)
    db.set_excluded(store, ids, True, change)


def include_story(settings: Settings, store: Store, week: Week, key: str, who: str) -> list[int]:
    """Take back in the items excluded with a story (as its newest exclusion recorded them)."""
    ensure_draft(store, week.label)
    target = f"{week.label}/story:{key}"
    done = [r for r in db.edit_log(store, prefix=target, limit=50) if r.target == target]
    last = next((r for r in done if r.action in ("exclude", "include")), None)
    found = _EXCLUDED_IDS.search(last.after or "") if last and last.action == "exclude" else None
    if found is None or last is None:
        raise DigestError(f"story {key} of {week.label} is not excluded; there is nothing to undo")
    ids = [int(n) for n in found[1].split(", ")]
    change = db.Change(_who(who), "include", target, last.after, "included")
    db.set_excluded(store, ids, False, change)
    return ids


def parse_key(key: str) -> tuple[str, int]:
    """What a key the other commands print names: ("story", 36) for "i36", ("item", 5) for
    "5" or "#5"; DigestError for anything else."""
    found = _KEY.fullmatch(key.strip())
    if found is None:
        raise DigestError(f"'{key}' is neither a story key (i36) nor an item id (5)")
    return ("story" if found[1] else "item"), int(found[2])


def move(settings: Settings, store: Store, key: str, section: str, who: str) -> str:
    """Move a story (key "i36": all its items) or a single item ("5"); say what happened,
    naming the story an item leaves and the story it is in afterwards."""
    kind, number = parse_key(key)
    section = _section(settings, section)
    if kind == "story":
        week = _week_of(settings, store, number)
        story = find_story(edited_issue(settings, store, week), f"i{number}")
        move_story(settings, store, week, f"i{number}", section, who)
        return f"story i{number} ({_reports(story)}) is now in {section}"
    before = story_of_item(settings, store, number)
    move_item(settings, store, number, section, who)
    return _item_outcome(settings, store, number, before, f"now in {section}")


def exclude(settings: Settings, store: Store, key: str, who: str, excluded: bool = True) -> str:
    """Exclude (or include again) a story by key ("i36") or an item by id ("5"); say so."""
    kind, number = parse_key(key)
    if kind == "story":
        week = _week_of(settings, store, number)
        if not excluded:
            ids = include_story(settings, store, week, f"i{number}", who)
            return f"story i{number} is included again (items {', '.join(map(str, ids))})"
        story = find_story(edited_issue(settings, store, week), f"i{number}")
        exclude_story(settings, store, week, f"i{number}", who)
        return f"story i{number} ({_reports(story)}) is excluded"
    before = story_of_item(settings, store, number) if excluded else None
    exclude_item(settings, store, number, who, excluded=excluded)
    return _item_outcome(
        settings, store, number, before, "excluded" if excluded else "included again"
    )


def story_of_item(settings: Settings, store: Store, item_id: int) -> Story | None:
    """The story of the draft that holds an item now (None if undated or left out)."""
    week = item_week(settings, _item(store, item_id))
    if week is None:
        return None
    issue = edited_issue(settings, store, parse_week(week))
    for section in issue.sections:
        for story in section.stories:
            if item_id in _ids(story):
                return story
    return None


def _item_outcome(
    settings: Settings, store: Store, item_id: int, before: Story | None, done: str
) -> str:
    """ "item 5 is now in political", or, when it was one of several reports of a story,
    "item 5 leaves story i36 (4 reports; the other 3 stay in military as i36) and is ..."."""
    after = story_of_item(settings, store, item_id)
    where = f" (story {after.key})" if after and after.key else ""
    if before is None or len(before.items) < 2 or (after and after.key == before.key):
        return f"item {item_id} is {done}{where}"
    others = [i for i in _ids(before) if i != item_id]
    rest = story_of_item(settings, store, others[0]) if others else None
    stay = f"; the other {len(others)} stay"
    stay += f" in {rest.section} as {rest.key}" if rest else " out of the draft"
    return (
        f"item {item_id} leaves story {before.key} ({_reports(before)}{stay}) and is {done}{where}"
    )


def _week_of(settings: Settings, store: Store, item_id: int) -> Week:
    """The week of the story keyed by this item (its smallest item id)."""
    week = item_week(settings, _item(store, item_id))
    if week is None:
        raise DigestError(f"story i{item_id} is undated: it belongs to no week's draft")
    return parse_week(week)


def _reports(story: Story) -> str:
    n = len(story.items)
    return f"{n} report{'s' if n != 1 else ''}"


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
