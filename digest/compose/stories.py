"""Stories: one per event, merged from every report of it, with its dated paragraph and credits.

A week's articles are grouped by same-event detection (sameevent.py); each group becomes a story
whose paragraph is composed from its best-sourced report (paragraph.py) and which credits every
distinct outlet by the link policy. A past issue's paragraph stays its own story as written.
Against `history` (items of earlier issues) a story already reported is dropped, and a later
development of an earlier story is marked with that issue's week. The editor's replacement
paragraphs (`edits`, by story key) win over the composed ones on every rebuild.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from digest.compose.paragraph import (
    Paragraph,
    Sentence,
    clean,
    compose,
    lead,
    split_sentences,
    standing_keys,
    trim,
    usable,
)
from digest.compose.policy import link_allowed
from digest.models import WEEK_START_NOTE, Credit, Item, Story, StoryEdit
from digest.settings.schema import Settings

__all__ = ["lead", "split_sentences", "stories_from_items", "credit", "link_allowed", "StoryEdit"]

from digest.compose.sameevent import (
    EventIndex,
    Matching,
    Report,
    clusters,
    join_across_languages,
)
from digest.weeks import week_of_moment

log = logging.getLogger(__name__)
FOLLOW_UP_DAYS = 56  # how far back an earlier story can be developed by a new one
_ATTRIBUTION = re.compile(r"\b(said|says|reported|reports|according to|told|announced|stated)\b")


def stories_from_items(
    items: list[Item],
    settings: Settings,
    history: Sequence[Item] = (),
    edits: Mapping[str, StoryEdit] | None = None,
    matching: Matching | None = None,
    supporting: Sequence[Item] = (),
    vectors: Mapping[int, np.ndarray] | None = None,
) -> list[Story]:
    """The week's stories: past-issue paragraphs as written, articles merged one per event.

    `supporting` items have no section (reports in a language the model does not read): they
    join and are credited in a story of the same event, and make no story of their own.
    `vectors` (item id → unit embedding) let a report in another language join the story of
    the English reports of its event (see sameevent.cross_language_matches).
    """
    matching = matching or Matching()
    sectioned = [i for i in items if i.section]
    past = [story_from_item(i, settings) for i in sectioned if i.origin == "past_issue"]
    articles = [i for i in sectioned if i.origin != "past_issue"] + list(supporting)
    groups = group_items(articles, settings, matching, history, vectors)
    standing = standing_keys([[i.text for i in g] for g in groups])
    merged = []
    for g in groups:
        if not any(i.section for i in g):
            continue
        story = story_from_group(g, settings, standing)
        if story.paragraph:
            merged.append(story)
        else:
            ids = ", ".join(str(i.id) for i in g)
            log.warning("items %s: no sentence can stand in the review (%s)", ids,
                        story.paragraph_note)  # fmt: skip
    merged = continuity(merged, history, settings, matching)
    return [apply_edit(s, (edits or {}).get(s.key)) for s in past + merged]


def group_items(
    items: list[Item],
    settings: Settings,
    matching: Matching,
    history: Sequence[Item] = (),
    vectors: Mapping[int, np.ndarray] | None = None,
) -> list[list[Item]]:
    """The items grouped one group per event, each group's items in date then id order."""
    if not items:
        return []
    index = EventIndex([_report(i, settings) for i in items], [i.text for i in history])
    found = clusters(index, matching)
    if vectors:
        own = settings.digest.language
        found = join_across_languages(
            found,
            index,
            [vectors.get(i.id) if i.id is not None else None for i in items],
            [(i.language or own) == own for i in items],
        )
    groups = [[items[n] for n in group] for group in found]
    split = [part for g in groups for part in editor_split(g)]
    return [sorted(g, key=_item_order) for g in split]


def editor_split(group: list[Item]) -> list[list[Item]]:
    """An event's items split where the editor placed some in another section: items the editor
    moved to section S stay together (a story of S), apart from the model-placed rest, unless
    the rest is in S too. So moving one report out of a story takes it out, and moving every
    report of a story keeps the story whole."""
    placed: dict[str, list[Item]] = {}
    for item in group:
        if item.section_override:
            placed.setdefault(item.section_override, []).append(item)
    rest = [i for i in group if not i.section_override]
    if not placed:
        return [group]
    if rest:
        # the rest's section by vote; supporting reports alone (no section) join the first part
        voted = story_section(rest)[0] if any(i.section for i in rest) else next(iter(placed))
        if voted not in placed:
            return [rest, *placed.values()]
        placed[voted] = rest + placed[voted]
    return list(placed.values())


def story_from_item(item: Item, settings: Settings) -> Story:
    """The story of a single item: a past issue's paragraph as written, else a composed one."""
    if item.origin != "past_issue":
        return story_from_group([item], settings)
    undated = item.date_note.startswith(WEEK_START_NOTE)  # filed under its week's Monday only
    return Story(
        section=item.section or "",
        date=None if undated else local_day(item, settings),
        date_note="no date in the paragraph" if undated else item.date_note,
        paragraph_note="a past issue's paragraph, as written",
        paragraph=item.text,
        items=(item,),
        credits=(credit(item, settings),),
        title=item.title,
        score=item.section_score,
        sentence_sources=tuple(0 for _ in split_sentences(item.text)),
        key=story_key([item]),
    )


def story_from_group(
    group: list[Item], settings: Settings, standing: frozenset[str] = frozenset()
) -> Story:
    """One event's story: the best-sourced report first, its paragraph, all outlets credited.

    `standing` are sentences that recur in reports of other events (an outlet's standing text).
    """
    ordered = sorted(group, key=lambda i: best_source_rank(i, settings))
    own = settings.digest.language
    writable = [i for i in ordered if (i.language or own) == own] or ordered  # one language
    offers = [
        [Sentence(s, n) for s in sentences_of(i)] if i in writable else []
        for n, i in enumerate(ordered)
    ]
    dated = [(d, i) for i in group if (d := local_day(i, settings))]
    day, first = min(dated, key=lambda p: (p[0], p[1].id or 0)) if dated else (None, None)
    speakers = [credit(i, settings).name for i in ordered]
    para = compose(offers, day, speakers, standing)
    section, score = story_section(group)
    foreign = next((i.language for i in writable if (i.language or own) != own), None)
    note = paragraph_note(para)
    if foreign:
        note = f"reported only in {foreign}: the lead in the original, needs a paragraph in {own}"
    return Story(
        section=section,
        date=para.start or day,
        date_note=date_note(para, first),
        paragraph_note=note,
        language=foreign,
        waiting=foreign is not None,
        paragraph=para.text,
        items=tuple(ordered),
        credits=credits(sorted(group, key=_item_order), settings),
        title=ordered[0].title,
        score=score,
        sentence_sources=para.sources,
        key=story_key(group),
    )


def best_source_rank(item: Item, settings: Settings) -> tuple:
    """Sort key of the best report to write from: own language, long enough, attributed, longer."""
    words = len(item.text.split())
    return (
        (item.language or settings.digest.language) != settings.digest.language,
        words < 60,
        not _ATTRIBUTION.search(item.text),
        -min(words, 400),
        item.id or 0,
    )


def sentences_of(item: Item) -> list[str]:
    """The item's sentences fit for a paragraph, trimmed of datelines and relative times."""
    return [t for t in (trim(s) for s in split_sentences(clean(item.text))) if usable(t)]


def date_note(para: Paragraph, first: Item | None) -> str:
    """How the story's date was found, in words, for the editor."""
    if para.date_basis == "text":
        return "the day the opening sentence names"
    if first is None:
        return "no date found in the reports"
    how = f"{first.date_method}: {first.date_note}" if first.date_note else first.date_method
    return f"the report's own date ({how})"


def paragraph_note(para: Paragraph) -> str:
    """How the paragraph was made: sentences extracted, and what was left out and why."""
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(para.left_out.items()))
    note = "extracted from the reports"
    if para.no_phrase:
        note += f"; no date phrase: {para.no_phrase}"
    return f"{note}; left out: {why}" if why else note


def story_section(group: Sequence[Item]) -> tuple[str, float | None]:
    """The group's section (most items; ties by summed confidence) and its mean confidence."""
    votes = Counter(i.section for i in group if i.section)
    weight: defaultdict[str | None, float] = defaultdict(float)
    for i in group:
        weight[i.section] += i.section_score or 0.0
    section = max(votes, key=lambda s: (votes[s], weight[s], s))
    scores = [i.section_score for i in group if i.section == section and i.section_score]
    return section, (sum(scores) / len(scores) if scores else None)


def credits(items: Sequence[Item], settings: Settings) -> tuple[Credit, ...]:
    """One credit per distinct outlet, in order of first report; linked where any item may be."""
    found: dict[str, Credit] = {}
    for item in items:
        c = credit(item, settings)
        if c.name not in found or (found[c.name].url is None and c.url):
            found[c.name] = c
    return tuple(found.values())


def continuity(
    stories: list[Story], history: Sequence[Item], settings: Settings, matching: Matching
) -> list[Story]:
    """Drop stories already told in earlier issues; mark later developments as follow-ups."""
    if not stories or not history:
        return stories
    texts = [" ".join(i.text for i in s.items) for s in stories]
    reports = [Report(t, s.date) for t, s in zip(texts, stories, strict=True)]
    index = EventIndex(reports, against=[_report(i, settings) for i in history])
    scores, days = index.cross_scores(matching)
    weeks: dict[int, str] = {}
    kept = []
    for n, story in enumerate(stories):
        found = _earlier(scores[n], days[n], history, settings, matching, weeks)
        if found is None:
            kept.append(story)
        elif found:
            kept.append(replace(story, follow_up_of=found))
    return kept


def _earlier(scores, days, history, settings, matching, weeks) -> str | None:
    """ "" if a story repeats an earlier story; the week of one it develops; else None.

    `scores` and `days` are the story's row against the history (days NaN when undated).
    """
    with np.errstate(invalid="ignore"):
        near = (scores >= matching.threshold) & ~(days > FOLLOW_UP_DAYS)
        if np.any(near & ~(days > matching.max_days)):  # undated or within the window
            return ""
    candidates = np.flatnonzero(near)
    if not candidates.size:
        return None
    h = int(candidates[np.argmax(scores[candidates])])  # the first of equal best scores
    if h not in weeks:
        weeks[h] = history_week(history[h], settings)
    return weeks[h]


def history_week(item: Item, settings: Settings) -> str:
    """The ISO week of the issue an earlier item belongs to."""
    if item.issue_week:
        return item.issue_week
    return week_of_moment(item.published, settings.zone).label if item.published else ""


def apply_edit(story: Story, edit: StoryEdit | None) -> Story:
    """The story with the editor's replacement paragraph, if there is one (no provenance then)."""
    if edit is None:
        return story
    story = replace(story, position=edit.position)
    if not edit.paragraph:
        return story
    return replace(
        story,
        paragraph=edit.paragraph,
        sentence_sources=(),
        edited=True,
        language=None,
        waiting=False,
        translated=False,
    )


def story_key(items: Sequence[Item]) -> str:
    """The story's identity across rebuilds: "i<smallest item id>" ("" for unstored items)."""
    ids = [i.id for i in items if i.id is not None]
    return f"i{min(ids)}" if ids else ""


def local_day(item: Item, settings: Settings) -> date | None:
    """The item's publication day in the digest's time zone."""
    return item.published.astimezone(settings.zone).date() if item.published else None


def _report(item: Item, settings: Settings) -> Report:
    text = f"{item.title}\n{item.text}" if item.title else item.text
    return Report(text, local_day(item, settings))


def _item_order(item: Item) -> tuple:
    stamp = item.published.timestamp() if item.published else 0.0
    return (item.published is None, stamp, item.id or 0)


def credit(item: Item, settings: Settings) -> Credit:
    """How a story credits an item's outlet: always named, linked only where policy allows."""
    source = settings.source(item.source_id) if item.source_id in settings.source_ids else None
    name = item.outlet or (source.name if source else item.source_id)
    url = item.url if item.url and link_allowed(item.url, item.source_id, settings) else None
    return Credit(name=name, url=url)
