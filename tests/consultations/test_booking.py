"""Booking a call time (issue 12): the times offered, the booking, and the refusals."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clinic.capacity import BOOKING_DAYS, WindowSpec, parse_slot_value
from clinic.models import Closure
from consultations.booking import (
    TimeNotOffered,
    TimeTaken,
    calls_that_would_not_fit,
    new_change_link,
    open_call_times,
)
from consultations.models import Booking, ConsultationRequest, Status
from consultations.services import cancel_booked_call, change_status, move_booked_call
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.factories import stored_request

pytestmark = pytest.mark.django_db

MONDAY_9AM = eastern(2026, 12, 7, 9)


def book(starts_at, **overrides):
    return stored_request(call_at=starts_at, change_link_hash=new_change_link()[1], **overrides)


def starts(days):
    return [slot.starts_at for day in days for slot in day.slots]


@time_machine.travel(MONDAY_9AM, tick=False)
def test_the_times_offered_keep_the_notice_and_span_ten_days_of_calls(django_assert_num_queries, facts_cached):
    set_call_windows(spans=((10, 12),), notice_hours=2)
    open_call_times()  # a process reads the capacity once, with the clinic's facts
    with django_assert_num_queries(1):  # then only the places taken: never a query per time
        days = open_call_times()
    assert len(days) == BOOKING_DAYS
    # Today from 11:00 (two hours' notice from 9:00), then four calls a weekday; weekends are skipped.
    assert starts(days)[:3] == [eastern(2026, 12, 7, 11), eastern(2026, 12, 7, 11, 30), eastern(2026, 12, 8, 10)]
    assert [day.day for day in days][-1] == date(2026, 12, 18)
    assert days[1].label == "Tuesday, December 8"
    assert days[1].slots[0].label == "10:00–10:30 am Eastern"


@time_machine.travel(MONDAY_9AM, tick=False)
def test_closures_and_full_times_are_not_offered():
    set_call_windows(places=1)
    Closure.objects.create(first_day=date(2026, 12, 8), last_day=date(2026, 12, 8), note="Training day")
    book(eastern(2026, 12, 9, 10))
    offered = starts(open_call_times())
    assert not any(moment.date() == date(2026, 12, 8) for moment in offered)
    assert eastern(2026, 12, 9, 10) not in offered
    assert eastern(2026, 12, 9, 10, 30) in offered


@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_booking_takes_a_place_and_the_last_place_goes_once():
    set_call_windows(places=2)
    first = book(eastern(2026, 12, 8, 10), phone="+12075550101")
    book(eastern(2026, 12, 8, 10), phone="+12075550102")
    assert first.booking.starts_at == eastern(2026, 12, 8, 10)
    assert first.due_by is None
    assert first.call_times == ["mornings"]
    with pytest.raises(TimeTaken):
        book(eastern(2026, 12, 8, 10), phone="+12075550103")
    # Nothing of the refused request is stored.
    assert ConsultationRequest.objects.count() == 2


@pytest.mark.parametrize(
    "asked_for",
    [
        eastern(2026, 12, 7, 10),  # inside the notice period
        eastern(2026, 12, 7, 8),  # in the past
        eastern(2026, 12, 8, 10, 15),  # not the start of a call
        eastern(2026, 12, 8, 12),  # after the window
        eastern(2026, 12, 12, 10),  # a Saturday: no window
        eastern(2027, 1, 4, 10),  # further ahead than the days offered
    ],
)
@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_time_the_form_would_not_offer_is_refused(asked_for):
    set_call_windows()
    with pytest.raises(TimeNotOffered) as refused:
        book(asked_for)
    assert not isinstance(refused.value, TimeTaken)
    assert ConsultationRequest.objects.count() == 0


@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_closure_day_is_refused_and_spam_never_books():
    set_call_windows()
    Closure.objects.create(first_day=date(2026, 12, 8), last_day=date(2026, 12, 9))
    with pytest.raises(TimeNotOffered):
        book(eastern(2026, 12, 9, 10))
    spam = book(eastern(2026, 12, 10, 10), spam_reason="honeypot")
    assert spam.status == Status.SPAM and not Booking.objects.exists()


def test_slot_values_that_are_not_times_are_none():
    assert parse_slot_value("20261208T1500Z") is not None
    for value in ("", "tomorrow", "20261308T1500Z", "20261208T1500", None, "x" * 400):
        assert parse_slot_value(value) is None


@time_machine.travel(MONDAY_9AM, tick=False)
def test_moving_keeps_one_request_and_respects_capacity(admin_user):
    set_call_windows(places=1)
    request = book(eastern(2026, 12, 8, 10))
    book(eastern(2026, 12, 8, 11), phone="+12075550109")
    with pytest.raises(TimeTaken):
        move_booked_call(booking=request.booking, starts_at=eastern(2026, 12, 8, 11), by=admin_user)
    moved = move_booked_call(booking=request.booking, starts_at=eastern(2026, 12, 8, 10, 30), by=admin_user)
    assert moved.starts_at == eastern(2026, 12, 8, 10, 30)
    assert ConsultationRequest.objects.count() == 2
    # Its old place is free again.
    assert eastern(2026, 12, 8, 10) in starts(open_call_times())


@time_machine.travel(MONDAY_9AM, tick=False)
def test_cancelling_frees_the_place_and_closes_the_request_with_the_reason_on_its_timeline():
    set_call_windows(places=1)
    request = book(eastern(2026, 12, 8, 10))
    cancel_booked_call(booking=request.booking)
    request.refresh_from_db()
    assert request.status == Status.CLOSED
    change = request.status_changes.get()
    assert change.changed_by is None and "cancelled" in change.reason
    assert eastern(2026, 12, 8, 10) in starts(open_call_times())


@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_booked_request_is_overdue_only_once_its_call_time_has_passed():
    set_call_windows()
    request = book(eastern(2026, 12, 9, 10))
    later_that_week = eastern(2026, 12, 8, 16)  # long past the SLA of an "as soon as you can" request
    assert not ConsultationRequest.objects.overdue(later_that_week).exists()
    assert ConsultationRequest.objects.overdue(eastern(2026, 12, 9, 10, 31)).get() == request
    annotated = ConsultationRequest.objects.with_triage_figures().get()
    assert annotated.promised_at == eastern(2026, 12, 9, 10)


def weekday_windows(*, until: int, places: int) -> list[WindowSpec]:
    """A proposed capacity: 30-minute calls on weekdays from 10 until `until` o'clock."""
    return [
        WindowSpec(weekday=day, starts=time(10), ends=time(until), call_minutes=30, places=places) for day in range(5)
    ]


@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_capacity_change_names_the_calls_it_has_no_place_for():
    set_call_windows(places=2)
    kept = book(eastern(2026, 12, 8, 10), phone="+12075550101")
    crowded = [book(eastern(2026, 12, 8, 11), phone=f"+1207555011{n}") for n in range(2)]
    fewer_places = weekday_windows(until=12, places=1)
    misfits = calls_that_would_not_fit(windows=fewer_places)
    assert {booking.consultation_request for booking in misfits} == set(crowded)
    shorter = weekday_windows(until=11, places=2)
    assert {b.consultation_request for b in calls_that_would_not_fit(windows=shorter)} == set(crowded)
    assert calls_that_would_not_fit(windows=[]) and kept.booking in calls_that_would_not_fit(windows=[])
    # Calls already over are not in the way.
    with time_machine.travel(eastern(2026, 12, 9, 9), tick=False):
        assert calls_that_would_not_fit(windows=[]) == []


def test_a_booked_call_time_lies_within_its_window(admin_user):
    with pytest.raises(ValidationError):
        from clinic.models import CallWindow

        window = CallWindow(
            rules=set_call_windows(),
            weekday=0,
            starts=eastern(2026, 1, 5, 12).time(),
            ends=eastern(2026, 1, 5, 10).time(),
            call_minutes=30,
            places=1,
        )
        window.full_clean()


def test_nothing_is_offered_without_call_windows():
    assert open_call_times(now=MONDAY_9AM - timedelta(days=1)) == []


@pytest.mark.parametrize("status", [Status.SPAM, Status.CLOSED, Status.NOT_A_FIT])
@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_request_closed_or_marked_spam_gives_its_place_back(admin_user, status):
    set_call_windows(places=1)
    request = book(eastern(2026, 12, 8, 10))
    assert eastern(2026, 12, 8, 10) not in starts(open_call_times())
    change_status(consultation_request=request, status=status, by=admin_user)
    assert eastern(2026, 12, 8, 10) in starts(open_call_times())
    assert "released" in request.status_changes.get().reason
