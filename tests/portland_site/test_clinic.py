from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portland_site.clinic import ClinicHours, by_when


def test_hours_parse_and_read_in_words():
    hours = ClinicHours.parse("Mon-Thu 08:00-17:30; Fri 09:00-12:00")
    assert hours.days[0] == (time(8), time(17, 30))
    assert 5 not in hours.days
    assert hours.text == "Monday to Thursday, 8 am to 5:30 pm; Friday, 9 am to 12 pm"


def test_same_hours_on_separate_groups_join_up():
    assert ClinicHours.parse("Mon-Tue 08:00-17:00; Wed 08:00-17:00").text == "Monday to Wednesday, 8 am to 5 pm"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "weekdays",
        "Mon-Fri 8-5",
        "Fri-Mon 08:00-17:00",
        "Mon 17:00-08:00",
        "Mon 08:00-17:00; Mon 09:00-10:00",
        "Xyz 08:00-17:00",
        "Mon 25:00-26:00",
    ],
)
def test_bad_hours_are_refused(spec):
    with pytest.raises(ValueError):
        ClinicHours.parse(spec)


NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_9_TO_5 = ClinicHours.parse("Mon-Fri 09:00-17:00")
FOUR_HOURS = timedelta(hours=4)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A moment in New York in December 2026 (December 4 is a Friday) or another month of 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("sent", "expected", "words"),
    [
        pytest.param(at(4, 19, 30), at(7, 13), "by 1 pm on Monday", id="friday-evening"),
        pytest.param(at(5, 11), at(7, 13), "by 1 pm on Monday", id="saturday"),
        pytest.param(at(6, 23, 59), at(7, 13), "by 1 pm tomorrow", id="sunday-night"),
        pytest.param(at(7, 6), at(7, 13), "by 1 pm today", id="monday-before-opening"),
        pytest.param(at(8, 10, 30), at(8, 15), "by 3 pm today", id="tuesday-mid-morning-rounds-up"),
        pytest.param(at(8, 12), at(8, 16), "by 4 pm today", id="tuesday-noon"),
        pytest.param(at(8, 15), at(9, 11), "by 11 am tomorrow", id="tuesday-afternoon-runs-over"),
        pytest.param(at(10, 16, 59), at(11, 13), "by 1 pm tomorrow", id="thursday-just-before-closing"),
        pytest.param(at(11, 16), at(14, 12), "by 12 pm on Monday", id="friday-late-afternoon"),
    ],
)
def test_call_back_is_expected_four_business_hours_later(sent, expected, words):
    due = WEEKDAYS_9_TO_5.expected_by(sent, FOUR_HOURS)
    assert due == expected
    assert by_when(due, sent) == words


def test_business_hours_are_exact_before_rounding():
    assert WEEKDAYS_9_TO_5.add_business_hours(at(8, 10, 30), FOUR_HOURS) == at(8, 14, 30)
    assert WEEKDAYS_9_TO_5.add_business_hours(at(4, 16, 15), FOUR_HOURS) == at(7, 12, 15)
    # No time at all: the next moment the clinic is open.
    assert WEEKDAYS_9_TO_5.add_business_hours(at(4, 17), timedelta(0)) == at(7, 9)


def test_rounding_never_promises_a_time_after_closing():
    hours = ClinicHours.parse("Mon-Fri 08:00-17:30")
    due = hours.expected_by(at(7, 13, 15), FOUR_HOURS)
    assert due == at(7, 17, 30)
    assert by_when(due, at(7, 13, 15)) == "by 5:30 pm today"


def test_short_days_and_closed_days_are_skipped():
    hours = ClinicHours.parse("Mon 08:00-18:00; Wed-Thu 08:00-18:00; Fri 08:00-12:00")
    # Friday 11:00 leaves one hour on Friday, then three on Monday.
    assert hours.expected_by(at(4, 11), FOUR_HOURS) == at(7, 11)
    # Monday evening: Tuesday is closed, so Wednesday morning.
    assert hours.expected_by(at(7, 18), FOUR_HOURS) == at(9, 12)
    assert by_when(at(9, 12), at(7, 18)) == "by 12 pm on Wednesday"


def test_a_promise_over_the_spring_clock_change_keeps_wall_clock_hours():
    # US clocks go forward early on Sunday March 8, 2026.
    due = WEEKDAYS_9_TO_5.expected_by(at(6, 18, month=3), FOUR_HOURS)
    assert due == at(9, 13, month=3)
    assert due.utcoffset() == timedelta(hours=-4)


def test_a_deadline_a_week_or_more_away_names_the_date():
    once_a_week = ClinicHours.parse("Mon 09:00-10:00")
    due = once_a_week.expected_by(at(7, 9, 30), timedelta(hours=1))
    assert due == at(14, 10)
    assert by_when(due, at(7, 9, 30)) == "by 10 am on Monday, December 14"


@pytest.mark.parametrize(
    ("end", "start"),
    [
        pytest.param(at(8, 15), at(8, 11), id="same-day"),
        pytest.param(at(7, 11), at(4, 15), id="over-the-weekend"),
        pytest.param(at(7, 13), at(7, 9), id="exactly-at-opening"),
        pytest.param(at(7, 20), at(7, 13), id="after-closing-counts-from-closing"),
        pytest.param(at(6, 12), at(4, 13), id="sunday-counts-from-friday-closing"),
    ],
)
def test_subtracting_business_hours_undoes_adding_them(end, start):
    assert WEEKDAYS_9_TO_5.subtract_business_hours(end, FOUR_HOURS) == start
    assert WEEKDAYS_9_TO_5.add_business_hours(start, FOUR_HOURS) <= end
    assert WEEKDAYS_9_TO_5.add_business_hours(start + timedelta(minutes=1), FOUR_HOURS) > end
