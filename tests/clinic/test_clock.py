"""The call-back clock: opening time from the weekly hours, closed weekdays and closures skipped."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.clock import ClinicClock, NoOpeningTime, clinic_clock
from clinic.facts import ClosureFact, facts_changed, hours_in_words
from clinic.models import Closure, OpeningHours
from consultations.services import expected_call_by
from portland_site.clinic import by_when
from tests.clinic_facts import set_opening_hours

NEW_YORK = ZoneInfo("America/New_York")
FOUR_HOURS = timedelta(hours=4)


def weekdays(opens: int, closes: int, closures=()) -> ClinicClock:
    return ClinicClock(days={day: (time(opens), time(closes)) for day in range(5)}, closures=tuple(closures))


WEEKDAYS_9_TO_5 = weekdays(9, 17)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A moment in New York in December 2026 (December 4 is a Friday) or another month of 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


def test_hours_read_in_words():
    days = {**{day: (time(8), time(17, 30)) for day in range(4)}, 4: (time(9), time(12))}
    assert hours_in_words(days) == "Monday to Thursday, 8 am to 5:30 pm; Friday, 9 am to 12 pm"
    assert (
        hours_in_words({0: (time(8), time(17)), 2: (time(8), time(17))})
        == "Monday, 8 am to 5 pm; Wednesday, 8 am to 5 pm"
    )
    assert hours_in_words({}) == ""


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
    hours = ClinicClock(days={day: (time(8), time(17, 30)) for day in range(5)})
    due = hours.expected_by(at(7, 13, 15), FOUR_HOURS)
    assert due == at(7, 17, 30)
    assert by_when(due, at(7, 13, 15)) == "by 5:30 pm today"


def test_short_days_and_closed_days_are_skipped():
    hours = ClinicClock(
        days={0: (time(8), time(18)), 2: (time(8), time(18)), 3: (time(8), time(18)), 4: (time(8), time(12))}
    )
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
    once_a_week = ClinicClock(days={0: (time(9), time(10))})
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


# Thanksgiving 2026 is Thursday, November 26; the clinic closes that day and the Friday after.
THANKSGIVING = ClosureFact(first_day=date(2026, 11, 26), last_day=date(2026, 11, 27), note="Thanksgiving")


def test_a_closure_before_a_weekend_moves_the_promise_to_monday():
    clock = weekdays(9, 17, closures=[THANKSGIVING])
    wednesday_afternoon = at(25, 16, month=11)
    # One hour on Wednesday, then nothing until Monday: three more hours from 9 am.
    due = clock.expected_by(wednesday_afternoon, FOUR_HOURS)
    assert due == at(30, 12, month=11)
    assert by_when(due, wednesday_afternoon) == "by 12 pm on Monday"
    # Without the closure, Thursday.
    assert WEEKDAYS_9_TO_5.expected_by(wednesday_afternoon, FOUR_HOURS) == at(26, 12, month=11)


def test_a_closure_is_not_counted_when_going_back_either():
    clock = weekdays(9, 17, closures=[THANKSGIVING])
    # Monday 10 am: one hour on Monday, then Wednesday 2 pm to 5 pm.
    assert clock.subtract_business_hours(at(30, 10, month=11), FOUR_HOURS) == at(25, 14, month=11)


def test_hours_on_a_day():
    clock = weekdays(9, 17, closures=[THANKSGIVING])
    assert clock.hours_on(date(2026, 11, 25)) == (time(9), time(17))
    assert clock.hours_on(date(2026, 11, 26)) is None, "a closure"
    assert clock.hours_on(date(2026, 11, 27)) is None, "the closure's last day"
    assert clock.hours_on(date(2026, 11, 28)) is None, "a Saturday"
    assert clock.hours_on(date(2026, 11, 30)) == (time(9), time(17))


def test_a_clinic_without_opening_time_says_so_instead_of_searching_forever():
    with pytest.raises(NoOpeningTime):
        ClinicClock(days={}).add_business_hours(at(7, 9), FOUR_HOURS)
    with pytest.raises(NoOpeningTime):
        weekdays(
            9, 17, closures=[ClosureFact(first_day=date(2026, 1, 1), last_day=date(2029, 1, 1), note="")]
        ).expected_by(at(7, 9), FOUR_HOURS)


def test_the_clock_reads_the_hours_and_closures_kept_in_the_admin(settings, django_capture_on_commit_callbacks):
    settings.CONSULTATION_CALLBACK_BUSINESS_HOURS = 4
    set_opening_hours(9, 17)
    wednesday_afternoon = at(25, 16, month=11)
    assert expected_call_by(submitted_at=wednesday_afternoon) == at(26, 12, month=11)
    with django_capture_on_commit_callbacks(execute=True):
        Closure.objects.create(first_day=THANKSGIVING.first_day, last_day=THANKSGIVING.last_day, note="Thanksgiving")
        facts_changed()
    assert clinic_clock().hours_on(THANKSGIVING.first_day) is None
    assert expected_call_by(submitted_at=wednesday_afternoon) == at(30, 12, month=11)


def test_with_no_hours_recorded_no_time_is_promised():
    OpeningHours.objects.all().delete()
    assert expected_call_by(submitted_at=at(7, 9)) is None
