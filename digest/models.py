"""The plain records handed from stage to stage: Document, Extracted, Item, Story, Issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# How a publication date was found; stored with the item so an editor can judge it.
DATE_METHODS = (
    "meta",  # given explicitly: sidecar, front matter, feed entry, page metadata
    "byline",  # a full date in the byline or dateline
    "text",  # a full date found in the article's opening lines
    "inferred-year",  # month and day in the text, the year inferred (see date_note)
    "issue",  # a paragraph of a past issue: dated by its issue's week
    "none",  # no date found
)


# The date note of a past issue's paragraph that was only filed under its week's Monday.
WEEK_START_NOTE = "no date in the paragraph: the first day of its week"  # a filing day, not a date


@dataclass(frozen=True)
class Document:
    """What a source yields: raw content plus whatever the source already knows about it."""

    source_id: str
    url: str | None
    fetched_at: datetime
    content: str | bytes
    content_type: str  # "text/plain", "text/html", "text/markdown"
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    path: str | None = None  # local file the content came from, if any
    section: str | None = None  # a label already known (paragraphs of a past issue)
    issue_week: str | None = None  # ISO week of the past issue the paragraph belongs to
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Extracted:
    """Clean article content extracted from one Document."""

    title: str | None
    text: str
    published: datetime | None
    date_method: str  # one of DATE_METHODS
    date_note: str = ""  # how the date was found, in words
    language: str | None = None
    author: str | None = None


@dataclass
class Item:
    """A stored article or past-issue paragraph, with its section state."""

    source_id: str
    url: str | None
    canonical_url: str | None
    title: str | None
    text: str
    published: datetime | None
    date_method: str
    content_hash: str
    fetched_at: datetime
    language: str | None = None
    date_note: str = ""
    outlet: str | None = None  # the publishing outlet's name, when it is not the source's
    origin: str = "article"  # "article" or "past_issue"
    issue_week: str | None = None
    section_label: str | None = None  # the model's label
    section_score: float | None = None  # the model's confidence in that label
    section_override: str | None = None  # the editor's choice; always wins
    on_topic: bool = True
    excluded: bool = False
    id: int | None = None

    @property
    def section(self) -> str | None:
        """The section the item belongs in: the editor's override, else the model's label."""
        return self.section_override or self.section_label


@dataclass(frozen=True)
class Credit:
    """A source credited under a story: named always, linked only when its policy allows."""

    name: str
    url: str | None  # None when the source's policy is link: false


@dataclass(frozen=True)
class Story:
    """One event in the issue: its paragraph, date, section and the items it came from."""

    section: str
    date: date | None
    paragraph: str
    items: tuple[Item, ...]
    credits: tuple[Credit, ...]
    title: str | None = None
    score: float | None = None  # the classifier's confidence in the section
    sentence_sources: tuple[int, ...] = ()  # for each sentence, the index of its item
    key: str = ""  # stable identity across rebuilds: "i<smallest item id>"
    follow_up_of: str | None = None  # the earlier issue's week when this develops its story
    edited: bool = False  # the paragraph is the editor's replacement
    position: int | None = None  # the editor's place for it within its section
    date_note: str = ""  # how the date was found, for the editor ("" when there is none)
    paragraph_note: str = ""  # how the paragraph was made (extracted or generated, left out)
    language: str | None = None  # the paragraph's language when it is not the digest's
    waiting: bool = False  # reported only in another language: needs a paragraph in the digest's
    translated: bool = False  # the paragraph is a machine translation of the reports' lead


@dataclass(frozen=True)
class StoryEdit:
    """The editor's change to one story of one week: a replacement paragraph and/or a position."""

    week: str
    story_key: str
    paragraph: str | None = None
    position: int | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class IssueSection:
    """A section of the issue in its configured order, with its stories in order."""

    id: str
    heading: str
    description: str
    number: int
    stories: tuple[Story, ...]


@dataclass(frozen=True)
class Issue:
    """One week's issue: everything a template needs and nothing it must compute."""

    title: str  # "Belarus Review — January 20, 2025"
    digest_title: str
    publisher: str
    language: str
    week: str  # "2025-W03"
    issue_date: date  # the Monday after the week
    week_start: date  # Monday
    week_end: date  # Sunday
    week_label: str  # "January 13–19, 2025"
    sections: tuple[IssueSection, ...]
    editors_note: str
    sign_off: str
    accent_color: str = "#8b1e2d"
    logo: str | None = None
    # stories that wait for a paragraph in the digest's language: in the draft, never built
    waiting: tuple[Story, ...] = ()

    @property
    def story_count(self) -> int:
        """The number of stories across all sections."""
        return sum(len(s.stories) for s in self.sections)


@dataclass(frozen=True)
class Rendered:
    """One output format's content: what publish.py writes as `<slug><suffix>`."""

    content: bytes | str
    media_type: str
    suffix: str  # ".html", ".pdf", ".md", ".json", ".eml"
