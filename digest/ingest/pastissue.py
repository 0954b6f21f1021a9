"""Past issues of the review: recognise one, and split it into dated, labelled paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from digest.settings.schema import SectionConfig
from digest.weeks import MONTHS, Week, week_under_review

_MONTH = "|".join(MONTHS)
_LONG_DATE = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),\s*(\d{{4}})\b")
_DOTTED_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_LEAD_DATE = re.compile(rf"\b(?:On|From|Since|Between|Also on|By)\s+({_MONTH})\s+(\d{{1,2}})\b")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
_CLOSERS = re.compile(
    r"^(note from the editors|editors[’']? note|best regards|kind regards|sincerely)\b", re.I
)
UNWRAPPED = 200  # a line longer than this is a whole paragraph, not wrapped text
MIN_HEADINGS = 3  # how many of the configured section headings make a text a past issue


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a past issue: its section, its text and the date it opens with."""

    section: str
    text: str
    day: date | None


@dataclass(frozen=True)
class PastIssue:
    """A parsed past issue: its date, the week it reviews and its paragraphs."""

    title: str
    issue_date: date
    week: Week
    paragraphs: tuple[Paragraph, ...]


def looks_like_issue(text: str, sections: Sequence[SectionConfig]) -> bool:
    """Whether a text is an issue of the review: several section headings on lines of their own."""
    found = {_heading_id(line, sections) for line in text.splitlines()}
    found.discard(None)
    return len(found) >= min(MIN_HEADINGS, len(sections)) and _issue_date(text) is not None


def parse_issue(text: str, sections: Sequence[SectionConfig]) -> PastIssue:
    """Split a past issue into paragraphs labelled with their sections (ValueError if not one)."""
    issue_date = _issue_date(text)
    if issue_date is None or not looks_like_issue(text, sections):
        raise ValueError("not an issue of the review: no dated title or too few section headings")
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    paragraphs = [
        Paragraph(section, body, _lead_day(body, issue_date))
        for section, body in _sectioned_blocks(text, sections)
    ]
    return PastIssue(title, issue_date, week_under_review(issue_date), tuple(paragraphs))


def _sectioned_blocks(text: str, sections: Sequence[SectionConfig]):
    """Yield (section id, paragraph) for each paragraph under a heading, up to the editors' note.

    Paragraphs are blocks between blank lines; a block whose lines are too long to be wrapped
    text (one paragraph a line, as copied from a web page) gives a paragraph per line. A heading
    may stand anywhere in a block, so a contents list without blank lines switches section
    without becoming a paragraph.
    """
    current: str | None = None
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        one_per_line = any(len(ln) > UNWRAPPED for ln in lines)
        pending: list[str] = []
        for line in lines:
            heading = _heading_id(line, sections)
            if heading or _CLOSERS.match(line) or one_per_line:
                if current and pending:
                    yield current, " ".join(pending)
                pending = []
            if _CLOSERS.match(line):
                return
            if heading:
                current = heading
            elif one_per_line and current:
                yield current, line
            else:
                pending.append(line)
        if current and pending:
            yield current, " ".join(pending)


def _heading_id(line: str, sections: Sequence[SectionConfig]) -> str | None:
    """The section id if the line is one of the headings on its own (not a numbered TOC entry).

    A heading matches in any case ("Military developments" from a web page's <h2>); a shortened
    heading ("HUMAN RIGHTS SITUATION") only in capitals, as the review sets them.
    """
    stripped = " ".join(line.split())
    if not stripped or _NUMBERED.match(line) or len(stripped) > 90:
        return None
    for section in sections:
        heading = " ".join(section.heading.split()).upper()
        if stripped.upper() == heading:
            return section.id
        if stripped.isupper() and len(stripped) > 8 and heading.startswith(stripped):
            return section.id
    return None


def html_blocks(html: str) -> str:
    """A web page's headings, paragraphs and list items as text blocks, one per blank line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    tags = ["title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li"]
    blocks = (el.get_text(" ", strip=True) for el in soup.find_all(tags))
    return "\n\n".join(b for b in blocks if b)


def _issue_date(text: str) -> date | None:
    """The issue's date: a long date in its first lines, else a dd.mm.yyyy line (the sign-off)."""
    head = "\n".join(ln for ln in text.splitlines()[:40] if len(ln) < 200)  # title lines, not prose
    m = _LONG_DATE.search(head)
    if m:
        return date(int(m.group(3)), MONTHS.index(m.group(1)) + 1, int(m.group(2)))
    for line in reversed(text.splitlines()):
        d = _DOTTED_DATE.match(line)
        if d:
            return date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
    return None


def _lead_day(paragraph: str, issue_date: date) -> date | None:
    """The date a paragraph opens with ("On January 16, ..."), its year taken from the issue."""
    m = _LEAD_DATE.search(paragraph[:80])
    if not m:
        return None
    month, day = MONTHS.index(m.group(1)) + 1, int(m.group(2))
    year = issue_date.year - (1 if month > issue_date.month else 0)
    try:
        return date(year, month, day)
    except ValueError:
        return None
