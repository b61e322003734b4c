"""Request figures for the manager's charts (the insights app reads them here, never the models): how long each
request waited for its first call, in the clinic's opening time. Reads only; nothing personal leaves."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, Min, OuterRef
from django.db.models.functions import Greatest

from clinic.clock import ClinicClock, clinic_clock
from consultations import promises
from consultations.models import LATE_ENTRY_GRACE, ConsultationRequest, Status, StatusChange
from portland_site.clinic_time import in_clinic_time


@dataclass(frozen=True)
class RequestTiming:
    received_at: datetime  # in the clinic's time zone
    contacted: bool  # staff moved it on from new (other than to spam)
    scheduled: bool  # it reached "consultation scheduled" at some point
    # Opening hours from receipt to the first call attempt (a late entry counts from an hour before it was
    # recorded); None: not called yet.
    hours_to_first_call: float | None
    called_within_promise: bool  # first call by promises.call_due_by
    went_overdue: bool  # still new at promises.overdue_from, as the queue counts it


def _opening_hours_between(clock: ClinicClock, start: datetime, end: datetime) -> float:
    """Hours the clinic was open between two moments in its time zone (the clock only adds and subtracts)."""
    total = timedelta()
    day = start.date()
    while day <= end.date():
        hours = clock.hours_on(day)
        if hours:
            opens, closes = (datetime.combine(day, moment, tzinfo=start.tzinfo) for moment in hours)
            total += max(timedelta(), min(end, closes) - max(start, opens))
        day += timedelta(days=1)
    return total.total_seconds() / 3600


# When a call counts as made: the time given for it, but never more than LATE_ENTRY_GRACE before it was recorded.
_counted_time = Greatest("call_attempts__attempted_at", F("call_attempts__recorded_at") - LATE_ENTRY_GRACE)


def _received(received_from: datetime, received_before: datetime):
    """The requests received in [received_from, received_before), spam left out, with `first_call` (or None)."""
    return (
        ConsultationRequest.objects.exclude(status=Status.SPAM)
        .filter(created_at__gte=received_from, created_at__lt=received_before)
        .annotate(first_call=Min(_counted_time))
    )


def hours_to_first_call(clock: ClinicClock, received_at: datetime, first_call: datetime) -> float:
    """The one measure of how long a request waited: opening hours from its arrival to its first call attempt (the
    manager's charts and the dashboard's median alike)."""
    return _opening_hours_between(clock, in_clinic_time(received_at), in_clinic_time(first_call))


def median_hours_to_first_call(*, received_from: datetime, received_before: datetime) -> float | None:
    """The median of hours_to_first_call over the requests received in the period and called; None: none called."""
    clock = clinic_clock()
    rows = _received(received_from, received_before).filter(first_call__isnull=False)
    waits = [
        hours_to_first_call(clock, created, first_call)
        for created, first_call in rows.values_list("created_at", "first_call")
    ]
    return statistics.median(waits) if waits else None


def request_timings(*, received_from: datetime, received_before: datetime, now: datetime | None = None):
    """One RequestTiming per request received in [received_from, received_before), spam left out, oldest first."""
    now = in_clinic_time(now)
    clock = clinic_clock()
    was_scheduled = StatusChange.objects.filter(
        consultation_request=OuterRef("pk"), to_status=Status.CONSULTATION_SCHEDULED
    )
    rows = (
        _received(received_from, received_before)
        .annotate(was_scheduled=Exists(was_scheduled))
        .order_by("created_at")
        .values_list("created_at", "first_contacted_at", "first_call", "was_scheduled", "status", "booking__ends_at")
    )
    timings = []
    for created, contacted, first_call, was_scheduled, status, booked_ends_at in rows:
        created = in_clinic_time(created)
        first_call = in_clinic_time(first_call) if first_call else None
        promise = {"received_at": created, "booked_ends_at": booked_ends_at, "clock": clock}
        due_by, overdue_at = promises.call_due_by(**promise), promises.overdue_from(**promise)
        timings.append(
            RequestTiming(
                received_at=created,
                contacted=contacted is not None,
                scheduled=was_scheduled or status == Status.CONSULTATION_SCHEDULED,
                hours_to_first_call=hours_to_first_call(clock, created, first_call) if first_call else None,
                called_within_promise=bool(first_call and due_by) and first_call <= due_by,
                went_overdue=overdue_at is not None and (contacted or now) >= overdue_at,
            )
        )
    return timings
