"""Request figures for the manager's charts (the insights app reads them here, never the models): how long each
request waited for its first call, in the clinic's opening time. Reads only; nothing personal leaves."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef
from django.db.models.functions import Greatest

from clinic.clock import ClinicClock, clinic_clock
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
    called_within_promise: bool  # first call within CONSULTATION_CALLBACK_BUSINESS_HOURS of opening time
    went_overdue: bool  # still new after CONSULTATION_SLA_BUSINESS_HOURS of opening time, as the queue counts it


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


def request_timings(*, received_from: datetime, received_before: datetime, now: datetime | None = None):
    """One RequestTiming per request received in [received_from, received_before), spam left out, oldest first."""
    now = in_clinic_time(now)
    clock = clinic_clock()
    promise = timedelta(hours=settings.CONSULTATION_CALLBACK_BUSINESS_HOURS)
    overdue_after = timedelta(hours=settings.CONSULTATION_SLA_BUSINESS_HOURS)
    was_scheduled = StatusChange.objects.filter(
        consultation_request=OuterRef("pk"), to_status=Status.CONSULTATION_SCHEDULED
    )
    rows = (
        ConsultationRequest.objects.exclude(status=Status.SPAM)
        .filter(created_at__gte=received_from, created_at__lt=received_before)
        .annotate(first_call=Min(_counted_time), was_scheduled=Exists(was_scheduled))
        .order_by("created_at")
        .values_list("created_at", "first_contacted_at", "first_call", "was_scheduled", "status")
    )
    timings = []
    for created, contacted, first_call, was_scheduled, status in rows:
        created = in_clinic_time(created)
        first_call = in_clinic_time(first_call) if first_call else None
        timings.append(
            RequestTiming(
                received_at=created,
                contacted=contacted is not None,
                scheduled=was_scheduled or status == Status.CONSULTATION_SCHEDULED,
                hours_to_first_call=_opening_hours_between(clock, created, first_call) if first_call else None,
                called_within_promise=bool(first_call) and first_call <= clock.add_business_hours(created, promise),
                went_overdue=(in_clinic_time(contacted) if contacted else now)
                >= clock.add_business_hours(created, overdue_after),
            )
        )
    return timings
