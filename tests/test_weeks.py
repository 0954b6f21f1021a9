"""Week boundaries: Monday 00:00 to Sunday 24:00 local time, across time zones and DST."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from digest.errors import DigestError
from digest.weeks import (
    format_range,
    last_complete_week,
    parse_week,
    week_for_issue_date,
    week_of_moment,
)

MINSK = ZoneInfo("Europe/Minsk")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_w03_2025_is_13_to_19_january_and_its_issue_is_the_20th():
    week = parse_week("2025-W03")
    assert (week.monday, week.sunday, week.issue_date) == (
        date(2025, 1, 13), date(2025, 1, 19), date(2025, 1, 20)
    )  # fmt: skip
    assert format_range(week.monday, week.sunday) == "January 13–19, 2025"


def test_window_is_local_midnight_to_midnight_in_utc():
    start, end = parse_week("2025-W03").window(MINSK)  # Minsk is UTC+3 all year
    assert start == datetime(2025, 1, 12, 21, 0, tzinfo=UTC)
    assert end == datetime(2025, 1, 19, 21, 0, tzinfo=UTC)


def test_sunday_late_evening_local_belongs_to_the_week_though_utc_says_monday():
    sunday_night = datetime(2025, 1, 19, 23, 30, tzinfo=NEW_YORK)  # 04:30 UTC on Monday
    assert week_of_moment(sunday_night, NEW_YORK).label == "2025-W03"
    assert week_of_moment(sunday_night, MINSK).label == "2025-W04"


def test_monday_just_after_midnight_minsk_is_next_week_though_utc_says_sunday():
    moment = datetime(2025, 1, 19, 21, 30, tzinfo=UTC)  # 00:30 on Monday in Minsk
    assert week_of_moment(moment, MINSK).label == "2025-W04"
    assert week_of_moment(moment, BERLIN).label == "2025-W03"


def test_dst_week_is_167_hours_long_in_spring_and_169_in_autumn():
    spring_start, spring_end = parse_week("2025-W13").window(BERLIN)  # 24-30 March 2025
    autumn_start, autumn_end = parse_week("2025-W43").window(BERLIN)  # 20-26 October 2025
    assert (spring_end - spring_start).total_seconds() == 167 * 3600
    assert (autumn_end - autumn_start).total_seconds() == 169 * 3600


def test_iso_week_53_and_year_boundaries():
    week = parse_week("2020-W53")
    assert (week.monday, week.sunday) == (date(2020, 12, 28), date(2021, 1, 3))
    assert format_range(week.monday, week.sunday) == "December 28, 2020 – January 3, 2021"
    with pytest.raises(DigestError, match="has no week 53"):
        parse_week("2025-W53")


def test_issue_dates_must_be_mondays():
    assert week_for_issue_date(date(2025, 1, 20)).label == "2025-W03"
    with pytest.raises(DigestError, match="is a Friday; issues are dated Mondays"):
        week_for_issue_date(date(2025, 1, 17))


def test_last_complete_week_depends_on_the_local_day():
    # Monday 00:30 in Minsk is still Sunday in UTC: the week just ended is complete in Minsk.
    now = datetime(2025, 1, 19, 21, 30, tzinfo=UTC)
    assert last_complete_week(now, MINSK).label == "2025-W03"
    assert last_complete_week(now, UTC).label == "2025-W02"


@pytest.mark.parametrize("bad", ["2025-03", "W03", "2025-W3x", ""])
def test_bad_week_text_is_a_clear_error(bad):
    with pytest.raises(DigestError, match="not an ISO week"):
        parse_week(bad)
