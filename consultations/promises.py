"""When a request breaks its promise: the one rule for "overdue" and "called within the promise".

A request with a booked call is due by the end of that call. Without one it is due a few hours of the clinic's
opening time after it arrived (closures are closed time): CONSULTATION_CALLBACK_BUSINESS_HOURS for the promise
made on the thanks page, CONSULTATION_SLA_BUSINESS_HOURS before the queue calls it overdue. A request still new at
its overdue moment is overdue. The queue, the dashboard and the staff digest ask the database (`past_overdue`);
the manager's charts ask per request (`overdue_from`, `call_due_by`): the same moments either way.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from pages.clock import ClinicClock, NoOpeningTime, clinic_clock
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
