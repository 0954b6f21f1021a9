"""The date finder: publication dates from bylines, datelines and opening lines, with the year
inferred from the text when only a month and day are given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from digest.extract.boilerplate import is_update_line

_MONTH_NAMES = (  # English (with abbreviations), Russian, Belarusian, Ukrainian genitives
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "студзеня лютага сакавіка красавіка траўня чэрвеня ліпеня жніўня верасня кастрычніка "
    "лістапада снежня",
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
)
MONTHS = {n: i for names in _MONTH_NAMES for i, n in enumerate(names.split(), 1)} | {"sept": 9}
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?P<year>(?:19|20)\d{2})(?![\d,.]\d)"
_PATTERNS = (
    re.compile(
        rf"(?i)\b(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])(?:,?\s+{_YEAR})?"
    ),
    re.compile(
        rf"(?i)\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\b\.?(?:,?\s+{_YEAR})?"
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<num>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"\b(?P<day>\d{1,2})[./](?P<num>\d{1,2})[./](?P<year>(?:19|20)\d{2})(?!\d)"),
)
_TIME = re.compile(
    r"\A[,\s|·—–-]*(?:at\s+|T)?(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::\d{2})?\s*"
    r"(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>UTC|GMT|Z|MSK|CET|CEST|EET|EEST|[+-]\d{2}:?\d{2})?",
    re.I,
)
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "msk": 3, "cet": 1, "cest": 2, "eet": 2, "eest": 3}
_YEAR_ANYWHERE = re.compile(r"(?<![\d,.])(?:19|20)\d{2}(?![\d,.]\d)")
_FORWARD = re.compile(
    r"(?i)\b(will|won't|shall|plans?|planned|planning|next|upcoming|forthcoming|forward|expected"
    r"|expects?|scheduled|intends?|aims?|going to|could|would|forecasts?|projected|coming)\b|'ll\b"
)
_DEADLINE = re.compile(r"\b(?:by|until|till|before|through)\s+(?:the\s+end\s+of\s+)?\Z", re.I)
_LEAD = re.compile(r"\A\W*(?:(?:published|posted|updated|date[d]?|on)\b[:\s]*)*", re.I)
_WINDOW = 8  # words either side of a mention that decide whether it looks forward
_WHY_PAST = "the latest year the text mentions in a past-tense context"
_WHY_NO_YEAR = "no year in the text: the most recent such date not after the reference"
OPENING = 6  # paragraphs counted as the article's opening


@dataclass(frozen=True)
class DateMention:
    """One date written in a text: year (None when omitted), month, day, optional time."""

    year: int | None
    month: int
    day: int
    start: int
    end: int
    time: tuple[int, int] | None = None
    tz: timezone | None = None


@dataclass(frozen=True)
class FoundDate:
    """A publication date, the DATE_METHODS name of how it was found, and a note in words."""

    published: datetime | None
    method: str
    note: str


def find_mentions(text: str) -> list[DateMention]:
    """Every valid date written in the text, in order of position, overlaps removed."""
    found: list[DateMention] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            mention = _mention(m, text)
            if mention and not any(mention.start < f.end and f.start < mention.end for f in found):
                found.append(mention)
    return sorted(found, key=lambda f: f.start)


def _mention(m: re.Match, text: str) -> DateMention | None:
    """Build a mention from a regex match, or None when it is not a real calendar date."""
    groups = m.groupdict()
    month = MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["num"])
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"])
    if groups.get("num") and "/" in m.group(0) and month > 12 >= day:
        month, day = day, month  # 02/15/2025: the American order
    if _calendar(year or 2000, month, day) is None:
        return None
    time, tz, end = _time_after(text, m.end()) if year else (None, None, m.end())
    return DateMention(year, month, day, m.start(), end, time, tz)


def _time_after(text: str, pos: int) -> tuple[tuple[int, int] | None, timezone | None, int]:
    """A clock time (and zone) written right after a date, as (time, zone, end position)."""
    m = _TIME.match(text[pos : pos + 30])
    if not m:
        return None, None, pos
    hour, minute = int(m["h"]), int(m["m"])
    if m["ampm"]:
        hour = hour % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None, None, pos
    return (hour, minute), _zone(m["zone"]), pos + m.end()


def _zone(name: str | None) -> timezone | None:
    """A fixed-offset zone for a written zone name or offset; None when none was written."""
    if not name or name.lower() in _ZONES:
        return timezone(timedelta(hours=_ZONES[name.lower()])) if name else None
    sign, digits = -1 if name[0] == "-" else 1, name[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _calendar(year: int, month: int, day: int) -> date | None:
    """The date, or None when the numbers do not make one."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def looks_forward(text: str, start: int, end: int) -> bool:
    """Whether the words around a span (same sentence, a few words either side) look ahead."""
    left = re.split(r"[.!?]\s|[\n“”\"]", text[max(0, start - 120) : start])[-1]
    right = re.split(r"[.!?](?:\s|$)|[\n“”\"]", text[end : end + 120])[0]
    words = " ".join(left.split()[-_WINDOW:] + ["_"] + right.split()[:_WINDOW])
    return bool(_FORWARD.search(words))


def in_past(text: str, start: int, end: int) -> bool:
    """Whether a date or year in the text is not a deadline (by 2030) and does not look ahead."""
    return not _DEADLINE.search(text[max(0, start - 30) : start]) and not looks_forward(
        text, start, end
    )


def infer_year(month: int, day: int, text: str, reference: datetime) -> tuple[int | None, str]:
    """The year of a month-day date in a text published by `reference`, and why that year."""
    ref = reference.date()
    years = (int(m[0]) for m in _YEAR_ANYWHERE.finditer(text) if in_past(text, *m.span()))
    past = [y for y in years if y <= ref.year]
    year, why = (max(past), _WHY_PAST) if past else (ref.year, _WHY_NO_YEAR)
    events = [d for d in _full_dates(text) if d <= ref]
    if events and (_calendar(year, month, day) or date.min) < max(events):
        year = max(events).year
        while (_calendar(year, month, day) or date.min) < max(events):
            year += 1
        why += f", moved so it does not precede the dated event of {max(events).isoformat()}"
    for _ in range(8):
        when = _calendar(year, month, day)
        if when and when <= ref:
            return year, why
        year -= 1
    return None, "no year puts it on or before the reference"


def _full_dates(text: str) -> list[date]:
    """Fully dated events the text mentions in a past (not forward-looking) context."""
    found = []
    for m in find_mentions(text):
        if m.year and in_past(text, m.start, m.end):
            when = _calendar(m.year, m.month, m.day)
            if when:
                found.append(when)
    return found


NO_TIME = "no time given: taken as 12:00 UTC"  # its local date holds from UTC-11 to UTC+11


def to_datetime(mention: DateMention, year: int) -> tuple[datetime, str]:
    """A timezone-aware datetime for a mention, and what the note must say about time and zone."""
    hour, minute = mention.time or (12, 0)
    moment = datetime(year, mention.month, mention.day, hour, minute, tzinfo=mention.tz or UTC)
    if mention.time:
        return moment, "" if mention.tz else "; time as written, read as UTC (no zone given)"
    return moment, f"; {NO_TIME}"


def find_date(byline: list[str], paragraphs: list[str], reference: datetime) -> FoundDate:
    """The publication date from the byline, the dateline, the opening lines, or inferred."""
    reference = reference if reference.tzinfo else reference.replace(tzinfo=UTC)
    body = "\n".join(paragraphs)
    finders = (_from_byline, _from_relative_byline, _from_dateline, _from_opening)
    for finder in (*finders, _from_relative_opening, _from_recent_mentions):
        found = finder(byline, paragraphs, body, reference)
        if found:
            return found
    return FoundDate(None, "none", "no date in the byline, dateline or opening lines")


def _from_byline(byline, paragraphs, body, reference) -> FoundDate | None:
    """A full date anywhere in a byline line (by NAME, Published …); 'Updated' lines last."""
    for line in sorted(byline, key=is_update_line):
        for m in find_mentions(line):
            if m.year:
                return _dated(m, m.year, reference, "byline", f"full date in the byline '{line}'")
    return None


def _from_dateline(byline, paragraphs, body, reference) -> FoundDate | None:
    """A date opening the first paragraph (December 31, Pozirk. / MINSK, Feb. 3 —)."""
    first = paragraphs[0][:80] if paragraphs else ""
    lead = re.match(r"\A(?:[A-ZА-ЯЁІЎ][\w’'.-]*\s?){1,3},\s", first)  # MINSK, / NEW YORK,
    m = next((m for m in find_mentions(first) if m.start <= (lead.end() if lead else 0)), None)
    if m is None:
        return None
    if m.year:
        return _dated(m, m.year, reference, "byline", "full date in the dateline")
    year, why = infer_year(m.month, m.day, body, reference)
    note = f"month and day from the dateline; year {year} inferred: {why}"
    return _dated(m, year, reference, "inferred-year", note) if year else None


def _from_opening(byline, paragraphs, body, reference) -> FoundDate | None:
    """A full date leading one of the opening paragraphs (a date line, 'Published: …')."""
    for para in paragraphs[:3]:
        lead = _LEAD.match(para)
        lead_end = lead.end() if lead else 0  # the pattern matches "" too, so this is always set
        for m in find_mentions(para[: lead_end + 40]):
            if m.year and m.start <= lead_end:
                return _dated(m, m.year, reference, "text", "full date leading an opening line")
    return None


def _from_recent_mentions(byline, paragraphs, body, reference) -> FoundDate | None:
    """The latest past month-day in the opening, year inferred (news omits the current year;
    dates written with a year are history and do not count)."""
    opening = "\n".join(paragraphs[:OPENING])
    best: tuple[date, DateMention, int, str] | None = None
    for m in find_mentions(opening):
        if m.year is None and in_past(opening, m.start, m.end):
            year, why = infer_year(m.month, m.day, body, reference)
            if year is None:
                continue
            when = _calendar(year, m.month, m.day)
            if when and (best is None or when > best[0]):
                best = (when, m, year, why)
    if best is None:
        return None
    when, m, year, why = best
    note = f"no dateline or byline date: the latest past date the opening mentions ({when:%B %-d})"
    return _dated(m, year, reference, "inferred-year", f"{note}; year {year} inferred: {why}")


_RELATIVE_WORDS = re.compile(
    r"(?i)(?<!\w)(?:вчера|сегодня|позавчера|назад|учора|сёння|заўчора|таму|yesterday|today|ago)"
    r"(?!\w)"
)
_LABEL = re.compile(r"\A\W*(?:[^\W\d]+\s?){1,2}:\s*")  # "Опубликовано: ", "Updated: "
_RELATIVE_MAX = 40  # characters: a relative date stands on a short line of its own
_RELATIVE_LANGUAGES = ["ru", "be", "uk", "en"]


def relative_date(line: str, reference: datetime) -> tuple[datetime, str] | None:
    """A relative date on a short line ("Вчера, 14:30", "2 часа назад", "учора") read by
    dateparser against the reference (the fetch time), with a note; None when there is none."""
    text = _LABEL.sub("", line.strip(), count=1)
    if len(text) > _RELATIVE_MAX or not _RELATIVE_WORDS.search(text):
        return None
    import dateparser  # imported here: it is slow to load, and only these lines need it

    base = reference.astimezone(UTC).replace(tzinfo=None)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True}
    data = dateparser.DateDataParser(languages=_RELATIVE_LANGUAGES, settings=settings)
    found = data.get_date_data(text)
    if found.date_obj is None:
        return None
    moment = found.date_obj.replace(tzinfo=UTC)
    base_note = f"relative date '{text}' read against the reference {base:%Y-%m-%d %H:%M} UTC"
    if found.period == "day":  # a day named, no clock time
        moment = min(moment.replace(hour=12, minute=0, second=0, microsecond=0), reference)
        return moment, f"{base_note}; {NO_TIME}, capped at the reference"
    if moment > reference:
        return None
    return moment, f"{base_note}; time as written, read as UTC"


def _from_relative_byline(byline, paragraphs, body, reference) -> FoundDate | None:
    """A relative date standing on a byline line ("Вчера, 14:30")."""
    for line in sorted(byline, key=is_update_line):
        found = relative_date(line, reference)
        if found:
            return FoundDate(found[0], "byline", f"{found[1]} (byline)")
    return None


def _from_relative_opening(byline, paragraphs, body, reference) -> FoundDate | None:
    """A relative date standing as one of the first lines ("2 часа назад")."""
    lines = [line for para in paragraphs[:3] for line in para.splitlines()[:1]]
    for line in lines:
        found = relative_date(line, reference)
        if found:
            return FoundDate(found[0], "text", f"{found[1]} (opening line)")
    return None


def _dated(m: DateMention, year: int, ref: datetime, method: str, note: str) -> FoundDate | None:
    """A FoundDate for the mention; None after the reference (a zone-less time is capped)."""
    moment, time_note = to_datetime(m, year)
    if moment > ref and (m.tz or m.time is None or moment - ref > timedelta(hours=14)):
        return None
    if moment > ref:
        moment, time_note = ref, "; the time read as UTC falls after the reference: capped at it"
    return FoundDate(moment, method, note + time_note)
