"""The review's dated paragraph: whole sentences taken from the reports, opened by a date phrase.

Rules, so that nothing is invented:
- Sentences are taken whole from the best-sourced report, in its order, from the top; when it
  gives fewer than MIN_WORDS, sentences from the other reports are added (those that repeat a
  chosen sentence are skipped). Each sentence keeps the index of the item it came from.
- Trimming is limited to: a leading dateline ("MINSK, Jan 16 (Reuters) - ") or a leading relative
  time ("On Tuesday, ", "Yesterday, "); a first word lower-cased after the date phrase when it is
  a common word ("The ministry ..." → "On January 16, the ministry ..."); and a single sentence
  longer than MAX_WORDS cut at its last comma or semicolon within the limit, ending with "…".
- The date phrase ("On January 16," / "From January 14 to 16,") is the only wording added, and
  it is left out when the first sentence already opens with a date.
- A paragraph shorter than MIN_WORDS is kept when the reports have no more to give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from digest.weeks import MONTHS

MIN_WORDS, MAX_WORDS = 60, 180
_MONTH = "|".join(MONTHS)
_OPENS_WITH_DATE = re.compile(
    rf"^(?:On|From|Between|Since|By)?\s*(?:(?:{_MONTH})\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTH}))\b"
)
_DATELINE = re.compile(
    r"^[A-ZА-ЯЁІЎ]{3,}(?:[ ,]+[A-Z0-9][\w.]*){0,3}\s*(?:\([^)]{1,40}\))?\s*[-–—]+\s+"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_RELATIVE = re.compile(
    rf"^(?:On\s+{_WEEKDAY}{_PART},?\s+"  # "On Tuesday the ministry ..." (comma optional)
    rf"|(?:(?:Earlier|Late|Early)\s+)?(?:{_WEEKDAY}|[Tt]oday|[Yy]esterday|[Tt]his week"
    rf"|[Ll]ast week){_PART},\s+)"
)
_SPAN = re.compile(
    rf"(?:[Ff]rom\s+)?({_MONTH})\s+(\d{{1,2}})\s*(?:-|–|to|through|until)\s*"
    rf"(?:({_MONTH})\s+)?(\d{{1,2}})\b"
)
_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_DAY = re.compile(
    rf"\b(?:({_MONTH}|{_SHORT})\.?\s+(\d{{1,2}})|(\d{{1,2}})\s+({_MONTH}|{_SHORT})\.?)\b"
    r"(?!\s*[-–]\d)"
)
_COMMON_FIRST = frozenset(
    "the a an this these that those it its there their some several many most all both one two"
    " three four five six seven eight nine ten at in according after during".split()
)
_WORD = re.compile(r"\w+")
_BREAK = re.compile(r"[.!?…][\"”’»)]?\s+(?=[A-Z\"“«‘(А-ЯЁІЎŁŠŽČ0-9])")
_ABBREVIATIONS = frozenset(
    "u.s u.k u.n e.u mr mrs ms dr st gen lt col maj sgt capt adm prof jr sr no vs etc approx"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@dataclass(frozen=True)
class Sentence:
    """One sentence offered to the paragraph: its text and the index of its item."""

    text: str
    source: int


@dataclass(frozen=True)
class Paragraph:
    """The composed paragraph, the item index of each sentence, and the dates it opens with."""

    text: str
    sources: tuple[int, ...]
    start: date | None
    end: date | None


def date_phrase(start: date, end: date | None = None) -> str:
    """ "On January 16," for one day; "From January 14 to 16," (or across months) for a span."""
    if end is None or end <= start:
        return f"On {MONTHS[start.month - 1]} {start.day},"
    first = f"{MONTHS[start.month - 1]} {start.day}"
    if start.year != end.year:
        return f"From {first}, {start.year} to {MONTHS[end.month - 1]} {end.day}, {end.year},"
    if start.month != end.month:
        return f"From {first} to {MONTHS[end.month - 1]} {end.day},"
    return f"From {first} to {end.day},"


def find_span(text: str, day: date) -> tuple[date, date] | None:
    """A span of days the text names ("from January 14 to 16") that ends near `day`, if any."""
    for m in _SPAN.finditer(text):
        first_month = MONTHS.index(m[1]) + 1
        last_month = MONTHS.index(m[3]) + 1 if m[3] else first_month
        try:
            start = date(day.year, first_month, int(m[2]))
            end = date(day.year, last_month, int(m[4]))
        except ValueError:
            continue
        if start > end:  # "December 30 to January 2": the span starts the year before
            start = start.replace(year=start.year - 1)
        if start < end and day - timedelta(days=14) <= start and end <= day + timedelta(days=1):
            return start, end
    return None


def find_day(text: str, day: date) -> date | None:
    """The first day the text names ("on Feb. 12", "16 January") in the week up to `day`."""
    for m in _DAY.finditer(text):
        name, number = (m[1], m[2]) if m[1] else (m[4], m[3])
        month = next(n for n, full in enumerate(MONTHS, 1) if full.startswith(name[:3]))
        for year in (day.year, day.year - 1):
            try:
                found = date(year, month, int(number))
            except ValueError:
                break
            if day - timedelta(days=7) <= found <= day:
                return found
    return None


def trim(sentence: str) -> str:
    """The sentence without a leading dateline or relative time (the date phrase replaces them)."""
    out = _RELATIVE.sub("", _DATELINE.sub("", sentence.strip()), count=1)
    return out[:1].upper() + out[1:] if out else out


def usable(sentence: str) -> bool:
    """Whether a sentence can stand in a paragraph: four words or more, ended, not a question."""
    text = sentence.strip().rstrip('"”’»)')
    return len(text.split()) >= 4 and text[-1:] in ".!…" and not text.endswith("?")


def compose(offers: Sequence[Sequence[Sentence]], day: date | None) -> Paragraph:
    """The paragraph from each item's sentences (best-sourced item first), opened by its date."""
    chosen = _select(offers)
    opening = " ".join(s.text for s in chosen[:2])
    span = find_span(opening, day) if day else None
    start, end = span if span else (find_day(opening, day) or day if day else None, None)
    texts = [s.text for s in chosen]
    if texts and start and not _OPENS_WITH_DATE.match(texts[0]):
        texts[0] = f"{date_phrase(start, end)} {_lower_first(texts[0])}"
    text = " ".join(texts)
    return Paragraph(text, _provenance(text, texts, chosen), start, end or start)


def _provenance(text: str, texts: list[str], chosen: list[Sentence]) -> tuple[int, ...]:
    """The source of each sentence as split_sentences splits the finished paragraph."""
    starts, at = [], 0
    for t in texts:
        starts.append(at)
        at += len(t) + 1
    out, cursor = [], 0
    for piece in split_sentences(text):
        cursor = text.find(piece, cursor)
        owner = max(n for n, s in enumerate(starts) if s <= max(cursor, 0))
        out.append(chosen[owner].source)
        cursor += len(piece)
    return tuple(out)


def lead(text: str, max_words: int = MAX_WORDS) -> str:
    """The article's opening sentences, whole, up to max_words (at least one sentence)."""
    chosen: list[str] = []
    words = 0
    for sentence in split_sentences(text):
        n = len(sentence.split())
        if chosen and words + n > max_words:
            break
        chosen.append(sentence)
        words += n
    return " ".join(chosen)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text (paragraph breaks are sentence breaks)."""
    out: list[str] = []
    for para in re.split(r"\n+", text):
        start = 0
        for m in _BREAK.finditer(para):
            if _is_abbreviation(para[start : m.start() + 1]):
                continue
            out.append(para[start : m.end()].strip())
            start = m.end()
        out.append(para[start:].strip())
    return [s for s in out if s]


def _is_abbreviation(text: str) -> bool:
    """Whether text ends in an abbreviation or an initial ("U.S.", "Gen.", "A.") not a sentence."""
    word = text.rsplit(None, 1)[-1] if text.split() else ""
    word = word.lstrip('“"(«‘').rstrip(".").casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _select(offers: Sequence[Sequence[Sentence]]) -> list[Sentence]:
    """Sentences in order from the first item, then others' new sentences until MIN_WORDS."""
    budget = MAX_WORDS - 5  # room for the date phrase
    chosen: list[Sentence] = []
    for rank, sentences in enumerate(offers):
        for s in sentences:
            if rank and (_count(chosen) >= MIN_WORDS or _repeats(s, chosen)):
                continue
            if _count(chosen) + len(s.text.split()) > budget:
                if not chosen:
                    chosen.append(Sentence(_cut(s.text, budget), s.source))
                break
            chosen.append(s)
    return chosen


def _count(sentences: Sequence[Sentence]) -> int:
    return sum(len(s.text.split()) for s in sentences)


def _repeats(sentence: Sentence, chosen: Sequence[Sentence]) -> bool:
    """Whether a sentence mostly repeats one already chosen (half its words or more)."""
    words = set(_WORD.findall(sentence.text.casefold()))
    for other in chosen:
        seen = set(_WORD.findall(other.text.casefold()))
        if words and len(words & seen) * 2 >= len(words):
            return True
    return False


def _cut(text: str, limit: int) -> str:
    """A sentence longer than `limit` words cut at its last comma or semicolon within it, + "…"."""
    head = " ".join(text.split()[:limit])
    cut = max(head.rfind(", "), head.rfind("; "))
    return (head[:cut] if cut > 0 else head).rstrip(",;: ") + "…"


def _lower_first(sentence: str) -> str:
    """The sentence with its first word lower-cased when it is a common word, not a name."""
    first = sentence.split(None, 1)[0] if sentence.split() else ""
    shouted = len(first) > 1 and first.isupper()  # "NATO", "US": names, keep them
    if first.casefold() in _COMMON_FIRST and first[:1].isupper() and not shouted:
        return sentence[:1].lower() + sentence[1:]
    return sentence
