"""The review's calendar: ISO weeks, their local Monday-to-Sunday window and the issue date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from digest.errors import InputError

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Week:
    """One ISO week: Monday to Sunday; its issue is dated the Monday after."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """The ISO week as text, e.g. 2025-W03."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        """The first day of the week."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        """The last day of the week."""
        return self.monday + timedelta(days=6)

    @property
    def issue_date(self) -> date:
        """The date of the week's issue: the following Monday."""
        return self.monday + timedelta(days=7)

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: Monday 00:00 to the next Monday 00:00, local time in `zone`."""
        start = datetime.combine(self.monday, time(0), tzinfo=zone)
        end = datetime.combine(self.issue_date, time(0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def __str__(self) -> str:
        return self.label


def parse_week(text: str) -> Week:
    """A Week from '2025-W03' (or '2025W03'); InputError on anything else."""
    m = _WEEK.match(text.strip())
    if not m:
        raise InputError(f"'{text}' is not an ISO week (expected e.g. 2025-W03)")
    year, number = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise InputError(f"'{text}': {year} has no week {number}") from exc
    return Week(year, number)


def week_of(day: date) -> Week:
    """The ISO week that contains a day."""
    iso = day.isocalendar()
    return Week(iso.year, iso.week)


def week_of_moment(moment: datetime, zone: ZoneInfo) -> Week:
    """The week a moment falls in, judged by the local date in `zone`."""
    return week_of(moment.astimezone(zone).date())


def week_before(week: Week, count: int = 1) -> Week:
    """The week `count` weeks earlier."""
    return week_of(week.monday - timedelta(weeks=count))


def week_for_issue_date(issue_date: date) -> Week:
    """The week an issue dated on a Monday reviews; InputError for other weekdays."""
    if issue_date.weekday() != 0:
        monday = issue_date + timedelta(days=(7 - issue_date.weekday()) % 7)
        raise InputError(
            f"{issue_date.isoformat()} is a {issue_date:%A}; issues are dated Mondays "
            f"(the next is {monday.isoformat()})"
        )
    return week_of(issue_date - timedelta(days=1))


def week_under_review(issue_date: date) -> Week:
    """The week an issue of any date reviews: the one holding the day before it."""
    return week_of(issue_date - timedelta(days=1))


def last_complete_week(now: datetime, zone: ZoneInfo) -> Week:
    """The newest week that has fully ended at `now`, in the configured time zone."""
    today = now.astimezone(zone).date()
    return week_of(today - timedelta(days=today.weekday() + 1))


def parse_day(text: str) -> date:
    """A date from 'YYYY-MM-DD'; InputError otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"'{text}' is not a date (expected YYYY-MM-DD)") from exc


def format_day(day: date) -> str:
    """A date as the review writes it: 'January 20, 2025'."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def format_range(start: date, end: date) -> str:
    """A week as the review writes it: 'January 13–19, 2025' (months and years as needed)."""
    if start.year != end.year:
        return f"{format_day(start)} – {format_day(end)}"
    if start.month != end.month:
        first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
        return f"{first} {start.day} – {last} {end.day}, {end.year}"
    return f"{MONTHS[start.month - 1]} {start.day}–{end.day}, {end.year}"


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of a local day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
