"""Reads behind intake's call sheet: the calls promised for a day, in the order to make them (reads only)."""

from datetime import date

from django.db.models import F, OuterRef, QuerySet, Subquery

from consultations.models import OPEN_STATUSES, Booking, CallAttempt, ConsultationRequest, Status
from portland_site.clinic_time import clinic_days, in_clinic_time


def calls_on(day: date) -> QuerySet[ConsultationRequest]:
    """The calls promised for `day`: booked calls by their time, then the open "as soon as possible" requests by
    when they are due; spam left out. Each row has with_call_facts' figures. (Requests whose promise passed on an
    earlier day are the queue's overdue ones: the sheet links to them.)"""
    starts, ends = clinic_days(day, day)
    # Two narrow reads (the bookings' time index, the open requests' status index) rather than one OR across the
    # join, which PostgreSQL answers by reading every request.
    booked = Booking.objects.filter(starts_at__gte=starts, starts_at__lt=ends).values("consultation_request")
    due = ConsultationRequest.objects.filter(
        status__in=OPEN_STATUSES, booking__isnull=True, due_by__gte=starts, due_by__lt=ends
    ).values("pk")
    return (
        with_call_facts(ConsultationRequest.objects.exclude(status=Status.SPAM))
        .filter(pk__in=[*booked.values_list("consultation_request", flat=True), *due.values_list("pk", flat=True)])
        .select_related("booking", "assigned_to")
        .order_by(F("booking__starts_at").asc(nulls_last=True), "due_by", "created_at")
    )


def with_call_facts(requests: QuerySet[ConsultationRequest]) -> QuerySet[ConsultationRequest]:
    """The triage figures, and `last_outcome` and `last_attempted_at` of the latest call attempt (or None)."""
    last_attempt = CallAttempt.objects.filter(consultation_request=OuterRef("pk")).order_by("-attempted_at")
    return requests.with_triage_figures().annotate(
        last_outcome=Subquery(last_attempt.values("outcome")[:1]),
        last_attempted_at=Subquery(last_attempt.values("attempted_at")[:1]),
    )


def promised_day(consultation_request: ConsultationRequest) -> date | None:
    """The day of its booked call, or of when it is due; None when it was promised nothing."""
    booked = getattr(consultation_request, "booking", None)
    promised = booked.starts_at if booked is not None else consultation_request.due_by
    return in_clinic_time(promised).date() if promised else None


def day_on_sheet(consultation_request: ConsultationRequest) -> date | None:
    """The day whose sheet lists this request: its promise's day, unless that has passed (or there is none)."""
    day = promised_day(consultation_request)
    return day if day and day >= in_clinic_time().date() else None
