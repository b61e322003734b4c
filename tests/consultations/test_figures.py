"""consultations.figures: what the manager's charts learn about each request, in opening hours."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps

from consultations.figures import request_timings
from consultations.models import AuditEntry, CallAttempt, CallOutcome, ConsultationRequest, Status
from consultations.services import change_status, record_call_attempt
from tests.factories import stored_request

pytestmark = pytest.mark.django_db
CLINIC = ZoneInfo("America/New_York")  # opening hours in the tests: Monday to Friday, 8 am to 5 pm


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CLINIC)  # November 2026: the 20th is a Friday


def received(when: datetime, **details) -> ConsultationRequest:
    request = stored_request(**details)
    ConsultationRequest.objects.filter(pk=request.pk).update(created_at=when)
    request.refresh_from_db()
    return request


def called(request: ConsultationRequest, *, by, outcome: CallOutcome, at: datetime) -> None:
    """A call attempt recorded as it was made (the server's clock dates the timeline, so travel to then)."""
    with time_machine.travel(at, tick=False):
        record_call_attempt(consultation_request=request, by=by, outcome=outcome, attempted_at=at)


def timings():
    return request_timings(received_from=at(1, 0), received_before=at(30, 0), now=at(27, 12))


def test_a_friday_evening_request_called_on_monday_morning_waited_two_opening_hours(intake):
    request = received(at(20, 16))
    called(request, by=intake, outcome=CallOutcome.NO_ANSWER, at=at(23, 9))
    [timing] = timings()
    assert timing.hours_to_first_call == pytest.approx(2)
    assert timing.called_within_promise
    assert not timing.went_overdue
    assert timing.contacted
    assert not timing.scheduled


def test_a_request_called_after_five_opening_hours_missed_the_promise_and_went_overdue(intake):
    request = received(at(23, 9))
    called(request, by=intake, outcome=CallOutcome.REACHED, at=at(23, 14))
    [timing] = timings()
    assert timing.hours_to_first_call == pytest.approx(5)
    assert not timing.called_within_promise
    assert timing.went_overdue


def test_a_request_nobody_has_called_is_overdue_once_its_time_has_passed():
    received(at(26, 8))  # Thursday 8 am; "now" is Friday noon
    received(at(27, 10), phone="+12075550199")  # two opening hours ago
    overdue, waiting = timings()
    assert (overdue.hours_to_first_call, overdue.went_overdue, overdue.contacted) == (None, True, False)
    assert (waiting.hours_to_first_call, waiting.went_overdue) == (None, False)


def test_a_consultation_scheduled_once_still_counts_after_the_request_is_closed(intake):
    request = received(at(23, 9))
    change_status(consultation_request=request, status=Status.CONSULTATION_SCHEDULED, by=intake, now=at(23, 10))
    change_status(consultation_request=request, status=Status.CLOSED, by=intake, now=at(24, 10))
    [timing] = timings()
    assert timing.scheduled and timing.contacted


def test_spam_and_requests_outside_the_period_are_left_out():
    received(at(23, 9), spam_reason="honeypot")
    received(at(30, 9), phone="+12075550199")
    assert timings() == []


# Issue 22, item 9: a call entered days later and dated back does not make the figures look better.


def test_a_call_entered_five_days_later_and_dated_back_does_not_count_as_within_the_promise(intake):
    request = received(at(16, 9))
    with time_machine.travel(at(20, 10), tick=False):
        attempt = record_call_attempt(
            consultation_request=request, by=intake, outcome=CallOutcome.REACHED, attempted_at=at(16, 10)
        )
    assert attempt.attempted_at == at(16, 10) and attempt.recorded_at == at(20, 10)
    assert attempt.recorded_late
    [timing] = timings()
    assert not timing.called_within_promise
    # Counted from an hour before it was entered, Friday 9 am: Monday from 9 (8 hours), three whole days, Friday's
    # first hour.
    assert timing.hours_to_first_call == pytest.approx(8 + 3 * 9 + 1)


def test_a_call_entered_within_the_hour_keeps_the_time_given(intake):
    request = received(at(16, 9))
    with time_machine.travel(at(16, 10, 50), tick=False):
        attempt = record_call_attempt(
            consultation_request=request, by=intake, outcome=CallOutcome.REACHED, attempted_at=at(16, 10)
        )
    assert not attempt.recorded_late
    [timing] = timings()
    assert timing.called_within_promise and timing.hours_to_first_call == pytest.approx(1)


def test_the_request_page_flags_a_late_entry(intake, intake_client):
    request = received(at(16, 9))
    with time_machine.travel(at(20, 10), tick=False):
        record_call_attempt(
            consultation_request=request, by=intake, outcome=CallOutcome.REACHED, attempted_at=at(16, 10)
        )
    page = intake_client.get(f"/admin/consultations/consultationrequest/{request.pk}/change/").content.decode()
    assert "(recorded 4\xa0days later)" in page


def test_the_migration_dates_old_attempts_from_the_audit_trail_or_their_own_time(intake):
    migration = importlib.import_module("consultations.migrations.0011_call_attempt_recorded_at")
    audited = received(at(16, 9))
    with time_machine.travel(at(18, 15), tick=False):
        record_call_attempt(
            consultation_request=audited, by=intake, outcome=CallOutcome.NO_ANSWER, attempted_at=at(16, 10)
        )
    unaudited = received(at(16, 9), phone="+12075550166")
    with time_machine.travel(at(17, 11), tick=False):
        record_call_attempt(
            consultation_request=unaudited, by=intake, outcome=CallOutcome.NO_ANSWER, attempted_at=at(17, 11)
        )
    AuditEntry.objects.filter(references=unaudited.reference_display).delete()
    CallAttempt.objects.update(recorded_at=at(27, 0))  # as AddField leaves them: the migration's own time
    migration.fill_recorded_at(django_apps, None)
    recorded = dict(CallAttempt.objects.values_list("consultation_request", "recorded_at"))
    assert recorded == {audited.pk: at(18, 15), unaudited.pk: at(17, 11)}
