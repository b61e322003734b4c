"""Intake's call sheet: a day's promised calls with what each call needs, and one-click outcomes that record a
call attempt now (through services.record_call_attempt, so the status, the audit trail and the timeline follow)."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_date

from consultations import services
from consultations.admin.display import best_times_in_words
from consultations.call_sheet import calls_on, day_on_sheet
from consultations.models import OPEN_STATUSES, AuditAction, CallOutcome, ConsultationRequest
from consultations.promises import promise_in_words
from portland_site.clinic import call_start_time, day_in_words
from portland_site.clinic_time import in_clinic_time

# The outcomes one click records, in the order staff meet them; "left voicemail" only where the person allowed it.
OUTCOME_BUTTONS = (
    (CallOutcome.REACHED, "Reached"),
    (CallOutcome.LEFT_VOICEMAIL, "No answer — left voicemail"),
    (CallOutcome.NO_ANSWER, "No answer — no voicemail"),
    (CallOutcome.WRONG_NUMBER, "Wrong number"),
)
# The days the sheet links to: today and the next few.
DAYS_AHEAD = 4


def outcomes_for(consultation_request: ConsultationRequest) -> list[tuple[str, str]]:
    return [
        (outcome.value, label)
        for outcome, label in OUTCOME_BUTTONS
        if outcome != CallOutcome.LEFT_VOICEMAIL or consultation_request.voicemail_ok
    ]


def sheet_url(day: date, today: date, consultation_request: ConsultationRequest | None = None) -> str:
    url = reverse("admin:consultations_consultationrequest_today")
    if day != today:
        url += f"?day={day.isoformat()}"
    return url + (f"#call-{consultation_request.pk}" if consultation_request else "")


def _day_link_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day:%b} {day.day}"


def call_facts(call: ConsultationRequest, *, can_record: bool, promise_style: str) -> dict:
    """What a call needs, for the call sheet's row and the top of a request's page (call.html); `call` comes from
    call_sheet.with_call_facts."""
    last_at = call.last_attempted_at
    return {
        "request": call,
        "url": reverse("admin:consultations_consultationrequest_change", args=[call.pk]),
        "promise": promise_in_words(call, style=promise_style),
        "best_times": best_times_in_words(call),
        "last_outcome": CallOutcome(call.last_outcome).label.lower() if call.last_outcome else "",
        "last_attempted": f"{_short_day(last_at)}{call_start_time(in_clinic_time(last_at))}" if last_at else "",
        "outcomes": outcomes_for(call) if can_record and call.status in OPEN_STATUSES else [],
    }


def _short_day(moment) -> str:
    """ "" today, "Fri " another day: before a time of day."""
    moment = in_clinic_time(moment)
    return "" if moment.date() == in_clinic_time().date() else f"{moment:%a} "


class CallSheetMixin:
    """For the queue's ModelAdmin: the call sheet and the outcome buttons' view."""

    def can_record_calls(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and request.user.has_perm("consultations.add_callattempt")

    def call_sheet_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        now = in_clinic_time()
        today = now.date()
        day = _day_asked(request, today)
        calls = list(calls_on(day))
        if calls:
            # The sheet shows names and phone numbers: which requests it showed, as a request's page is audited.
            services.record_audit(
                actor=request.user, action=AuditAction.VIEWED, consultation_requests=calls, detail="call sheet"
            )
        can_record = self.can_record_calls(request)
        rows = [call_facts(call, can_record=can_record, promise_style="time") for call in calls]
        days = [today + timedelta(days=ahead) for ahead in range(DAYS_AHEAD + 1)]
        if day not in days:
            days.append(day)
        return TemplateResponse(
            request,
            "admin/consultations/consultationrequest/call_sheet.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Calls for {day_in_words(day)}" if day != today else f"Today’s calls: {day_in_words(day)}",
                "opts": self.opts,
                "rows": rows,
                "day": day,
                "is_today": day == today,
                "day_links": [
                    {"label": _day_link_label(each, today), "url": sheet_url(each, today), "current": each == day}
                    for each in days
                ],
                "queue_url": reverse("admin:consultations_consultationrequest_changelist"),
                "overdue": ConsultationRequest.objects.overdue().count() if day == today else 0,
            },
        )

    def record_call_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One click on an outcome: a call attempt made now, then back to the sheet at this request's row (or to its
        page when no sheet lists it: its promise has passed)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        consultation_request = get_object_or_404(ConsultationRequest.objects.select_related("booking"), pk=object_id)
        if not self.can_record_calls(request):
            raise PermissionDenied
        offered = dict(outcomes_for(consultation_request))
        outcome = request.POST.get("outcome", "")
        today = in_clinic_time().date()
        sheet_day = day_on_sheet(consultation_request)
        back = (
            sheet_url(sheet_day, today, consultation_request)
            if sheet_day
            else reverse("admin:consultations_consultationrequest_change", args=[consultation_request.pk])
        )
        if outcome not in offered:
            self.message_user(
                request,
                f"Nothing was recorded for {consultation_request}: choose one of the outcomes offered"
                + (" (this person said no voicemail)." if outcome == CallOutcome.LEFT_VOICEMAIL else "."),
                messages.ERROR,
            )
            return HttpResponseRedirect(back, status=303)
        attempt = services.record_call_attempt(
            consultation_request=consultation_request, by=request.user, outcome=CallOutcome(outcome)
        )
        self.message_user(
            request,
            f"Call to {consultation_request} recorded: {offered[outcome]}, "
            f"at {call_start_time(in_clinic_time(attempt.attempted_at))}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back, status=303)


def _day_asked(request: HttpRequest, today: date) -> date:
    """The day in ?day= (2026-12-08); today when there is none or it is not a date."""
    try:
        return parse_date(request.GET.get("day", "")) or today
    except ValueError:  # well formed but no such day, such as 2026-02-30
        return today
