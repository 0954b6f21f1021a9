"""The Issue record of one week: sections in their configured order, stories in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from digest.extract.textonly import plain_text, plain_title
from digest.models import Credit, Issue, IssueSection, Story
from digest.settings.schema import Settings
from digest.weeks import Week, format_day, format_range


def build_issue(week: Week, stories: list[Story], settings: Settings) -> Issue:
    """Assemble the week's Issue: everything the templates need, nothing left to compute.

    Stories that wait for a paragraph in the digest's language go to `waiting` (the draft shows
    them), not into the sections."""
    ready = [s for s in stories if not s.waiting]
    waiting = tuple(sorted((as_text(s) for s in stories if s.waiting), key=story_order))
    sections = []
    for number, section in enumerate(settings.ordered_sections, start=1):
        chosen = sorted((as_text(s) for s in ready if s.section == section.id), key=story_order)
        sections.append(
            IssueSection(
                id=section.id,
                heading=section.heading,
                description=section.description,
                number=number,
                stories=tuple(chosen),
            )
        )
    ident = settings.digest
    return Issue(
        title=f"{ident.title} — {format_day(week.issue_date)}",
        digest_title=ident.title,
        publisher=ident.publisher,
        language=ident.language,
        week=week.label,
        issue_date=week.issue_date,
        week_start=week.monday,
        week_end=week.sunday,
        week_label=format_range(week.monday, week.sunday),
        sections=tuple(sections),
        editors_note=ident.editors_note,
        sign_off=ident.sign_off,
        accent_color=ident.accent_color,
        logo=ident.logo,
        waiting=waiting,
    )


def story_order(story: Story) -> tuple:
    """The editor's positions first; then by date, number of sources (more first), first item.

    A story without a printed date sorts by when its first report was filed (a past issue's
    undated paragraph keeps its place among the dated ones)."""
    first = story.items[0].id if story.items and story.items[0].id is not None else 0
    placed = story.position is not None
    filed = story.items[0].published if story.items else None
    when = story.date or (filed.date() if filed else date.max)
    return (not placed, story.position or 0, when, -len(story.credits), first)


def as_text(story: Story) -> Story:
    """The story with its title, paragraph and credited names reduced to text (no markup)."""
    credits = tuple(Credit(plain_title(c.name) or c.name, c.url) for c in story.credits)
    return replace(
        story,
        title=plain_title(story.title),
        paragraph=plain_text(story.paragraph),
        credits=credits,
    )
