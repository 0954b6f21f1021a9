"""A week's draft as the editor sees it (desk and `digest review`): stories, what was left out,
the audit log, and a coverage report of sources, sections and confidence."""

from __future__ import annotations

import logging
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from digest.editorial import operations as editing
from digest.errors import DigestError
from digest.models import Issue, Item, Story
from digest.settings.schema import Settings
from digest.store import Store
from digest.store import editing as db
from digest.weeks import Week

log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 0.6


@dataclass(frozen=True)
class LeftOut:
    """An item of the week that is not in the draft, and why."""

    item: Item
    reason: str


@dataclass(frozen=True)
class Coverage:
    """What the week's draft rests on: items per source and section, gaps and confidence."""

    per_source: dict[str, dict[str, int]]  # source id -> section (or excluded/unlabelled) -> n
    failed: dict[str, str]  # source id -> the error of its last run
    silent: tuple[str, ...]  # enabled sources with no item this week
    undated: tuple[Item, ...]  # undated items fetched during the week or the one after
    empty_sections: tuple[str, ...]
    scores: tuple[float, ...]  # the confidence of every item in the draft
    low: int  # items marked LOW: placed by the model, under the threshold (needs_check)

    def spread(self) -> dict[str, float]:
        """Minimum, quartiles and maximum of the confidence (empty when nothing is scored)."""
        if not self.scores:
            return {}
        ordered = sorted(self.scores)
        q1, median, q3 = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else ordered * 3
        return {"min": ordered[0], "q1": q1, "median": median, "q3": q3, "max": ordered[-1]}


@dataclass(frozen=True)
class Draft:
    """Everything the draft page shows for one week."""

    week: Week
    issue: Issue
    state: db.WeekState
    left_out: tuple[LeftOut, ...]
    coverage: Coverage
    log: tuple[db.EditRecord, ...]
    threshold: float

    @property
    def published(self) -> bool:
        """Whether the week's issue is published (and so refuses changes)."""
        return self.state.status == db.PUBLISHED

    def is_low(self, what: Story | Item) -> bool:
        """An item: placed by the model under the threshold (needs_check); a story: holding one."""
        items = what.items if isinstance(what, Story) else (what,)
        return any(needs_check(i, self.threshold) for i in items)

    @property
    def to_check(self) -> tuple[Story, ...]:
        """The stories (desk cards) marked for a check, in issue order; the desk's count."""
        return tuple(s for sec in self.issue.sections for s in sec.stories if self.is_low(s))


def needs_check(item: Item, threshold: float) -> bool:
    """The one review rule: the model placed the item (no editor's section) with a confidence
    under the threshold. `review` marks these LOW and counts them; the desk marks their cards."""
    score = item.section_score
    return item.section_override is None and score is not None and score < threshold


def load_draft(settings: Settings, store: Store, week: Week, threshold: float) -> Draft:
    """The week's edited issue with its state, left-out items, coverage and audit log."""
    issue = editing.edited_issue(settings, store, week)
    start, end = week.window(settings.zone)
    week_items = store.items_for_week(week.label, start, end)
    in_issue = {i.id for s in issue.sections for story in s.stories for i in story.items}
    left = tuple(LeftOut(i, _why(i, settings)) for i in week_items if i.id not in in_issue)
    cover = coverage(settings, store, week, issue, week_items, threshold)
    history = tuple(db.edit_log(store, prefix=f"{week.label}", limit=50))
    return Draft(week, issue, db.week_state(store, week.label), left, cover, history, threshold)


def coverage(
    settings: Settings,
    store: Store,
    week: Week,
    issue: Issue,
    week_items: list[Item],
    threshold: float,
) -> Coverage:
    """Count the week's items by source and section, and find silent and failed sources."""
    per_source: dict[str, Counter] = defaultdict(Counter)
    for item in week_items:
        per_source[item.source_id][_bucket(item)] += 1
    runs = store.last_runs()
    failed = {sid: r["error"] or "failed" for sid, r in runs.items() if r["status"] == "failed"}
    enabled = [s.id for s in settings.sources if s.enabled]
    silent = tuple(s for s in enabled if s not in per_source and s not in failed)
    scores = tuple(
        i.section_score
        for s in issue.sections
        for story in s.stories
        for i in story.items
        if i.section_score is not None
    )
    return Coverage(
        per_source={sid: dict(c) for sid, c in sorted(per_source.items())},
        failed=failed,
        silent=silent,
        undated=_undated(store, week, settings),
        empty_sections=tuple(s.id for s in issue.sections if not s.stories),
        scores=scores,
        low=sum(
            needs_check(i, threshold) for s in issue.sections for st in s.stories for i in st.items
        ),
    )


def review_threshold(settings: Settings) -> float:
    """The model's review threshold (chosen in cross-validation), else 0.6 with a warning."""
    try:
        from digest.label.training import current_model

        return float(current_model(settings).meta["threshold"])
    except (ImportError, DigestError, KeyError) as exc:
        log.warning(
            "using the review threshold %.2f: no model threshold (%s)", DEFAULT_THRESHOLD, exc
        )
        return DEFAULT_THRESHOLD


def shifted_order(issue: Issue, key: str, offset: int) -> tuple[str, list[str]] | None:
    """(section, new order of keys) with the story moved `offset` places; None if it cannot move."""
    for section in issue.sections:
        keys = [s.key for s in section.stories]
        if key in keys:
            at = keys.index(key)
            to = min(max(at + offset, 0), len(keys) - 1)
            if to == at:
                return None
            keys.insert(to, keys.pop(at))
            return section.id, keys
    raise DigestError(f"no story {key} in the {issue.week} draft")


def _undated(store: Store, week: Week, settings: Settings) -> tuple[Item, ...]:
    """Undated articles fetched from the week's start until the end of the week after it."""
    start, end = week.window(settings.zone)
    late = end + timedelta(days=7)
    return tuple(
        i
        for i in store.all_items()
        if i.published is None and i.origin != "past_issue" and start <= i.fetched_at < late
    )


def _bucket(item: Item) -> str:
    """The column an item counts in: excluded, its section, or unlabelled."""
    if item.excluded:
        return "excluded"
    return item.section or "unlabelled"


def _why(item: Item, settings: Settings) -> str:
    """Why an item of the week is not in the draft, in words."""
    if item.excluded:
        return "excluded by the editor"
    if item.section_override == editing.OFF_TOPIC:
        return "marked off topic by the editor"
    if item.section is None and item.language not in (None, "en"):
        return f"in '{item.language}': the model reads English; move it to a section by hand"
    if item.section is None:
        return "not classified yet"
    if item.section == editing.OFF_TOPIC:
        score = f" ({item.section_score:.2f})" if item.section_score is not None else ""
        return f"off topic according to the model{score}"
    if not item.on_topic:
        return "does not mention the topic's names and places enough"
    if item.section not in {s.id for s in settings.sections}:
        return f"in an unknown section '{item.section}'"
    return "not placed in a story"
