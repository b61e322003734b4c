"""When a request breaks its promise: the one rule for "overdue" and "called within the promise".

A request with a booked call is due by the end of that call. Without one it is due a few hours of the clinic's
opening time after it arrived (closures are closed time): CONSULTATION_CALLBACK_BUSINESS_HOURS for the promise
made on the thanks page, CONSULTATION_SLA_BUSINESS_HOURS before the queue calls it overdue. A request still new at
its overdue moment is overdue. The queue, the dashboard and the staff digest ask the database (`past_overdue`);
the manager's charts ask per request (`overdue_from`, `call_due_by`): the same moments either way.

`promise_in_words` is how staff read a request's promise, everywhere they read it (the patient's own wording is the
thanks page's and the emails').
"""

from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from clinic.clock import ClinicClock, NoOpeningTime, clinic_clock
from portland_site.clinic import call_start_time, call_time_in_words, day_in_words, format_time, zone_in_words
from portland_site.clinic_time import in_clinic_time


def _after_opening_hours(clock: ClinicClock | None, received_at: datetime, hours: int) -> datetime | None:
    try:
        return (clock or clinic_clock()).add_business_hours(in_clinic_time(received_at), timedelta(hours=hours))
    except NoOpeningTime:
        return None


def overdue_from(
    *, received_at: datetime, booked_ends_at: datetime | None, clock: ClinicClock | None = None
) -> datetime | None:
    """The moment a request still new becomes overdue; None when no opening time is recorded (never)."""
    if booked_ends_at is not None:
        return booked_ends_at
    return _after_opening_hours(clock, received_at, settings.CONSULTATION_SLA_BUSINESS_HOURS)


def call_due_by(
    *, received_at: datetime, booked_ends_at: datetime | None, clock: ClinicClock | None = None
) -> datetime | None:
    """The latest first call that keeps the promise; None when no opening time is recorded."""
    if booked_ends_at is not None:
        return booked_ends_at
    return _after_opening_hours(clock, received_at, settings.CONSULTATION_CALLBACK_BUSINESS_HOURS)


def overdue_since(now: datetime | None = None) -> datetime | None:
    """Requests without a booked call that arrived at or before this moment are past their overdue moment by `now`:
    `overdue_from` undone. None, and none of them is, when no opening time is recorded."""
    try:
        return clinic_clock().subtract_business_hours(
            in_clinic_time(now), timedelta(hours=settings.CONSULTATION_SLA_BUSINESS_HOURS)
        )
    except NoOpeningTime:
        return None


def past_overdue(now: datetime | None = None) -> Q:
    """`overdue_from(...) <= now`, as a filter on requests."""
    since = overdue_since(now)
    missed_booking = Q(booking__ends_at__lte=now or timezone.now())
    return missed_booking if since is None else missed_booking | Q(booking__isnull=True, created_at__lte=since)


def _short_day(moment: datetime, now: datetime) -> str:
    """ "today", "Thu" within the week ahead, "Dec 14" further off (or back)."""
    days_ahead = (moment.date() - now.date()).days
    if days_ahead == 0:
        return "today"
    return f"{moment:%a}" if 0 < days_ahead < 7 else f"{moment:%b} {moment.day}"


def promise_in_words(
    consultation_request, *, style: Literal["full", "short", "time"] = "full", now: datetime | None = None
) -> str:
    """The request's promise as staff read it; empty when it was promised nothing.

    full (its page, staff emails): "Booked call: Tuesday, December 8, 10:00–10:30 am Eastern", "Due by: Monday,
    December 7, 1 pm Eastern". short (the queue): "Booked Tue 10:00 am", "Due today 1 pm". time (the call sheet,
    under the day's heading): "Booked 10:00 am", "Due by 1 pm".
    """
    booked = getattr(consultation_request, "booking", None)
    if booked is not None:
        starts = in_clinic_time(booked.starts_at)
        if style == "full":
            return f"Booked call: {call_time_in_words(booked.starts_at, booked.ends_at)}"
        day = f"{_short_day(starts, in_clinic_time(now))} " if style == "short" else ""
        return f"Booked {day}{call_start_time(starts)}"
    if consultation_request.due_by is None:
        return ""
    due = in_clinic_time(consultation_request.due_by)
    if style == "full":
        return f"Due by: {day_in_words(due)}, {format_time(due.time())} {zone_in_words(due)}"
    if style == "short":
        return f"Due {_short_day(due, in_clinic_time(now))} {format_time(due.time())}"
    return f"Due by {format_time(due.time())}"
