import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.dashboard import triage_figures
from consultations.export import neutralise
from consultations.models import (
    AuditAction,
    AuditEntry,
    CallOutcome,
    ConsultationRequest,
    SpamReason,
    Status,
)
from consultations.promises import overdue_since
from consultations.services import (
    add_note,
    assign_request,
    change_status,
    erase_personal_data,
    purge_expired_requests,
    record_call_attempt,
)
from tests.clinic_facts import set_opening_hours
from tests.factories import stored_request

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in New York in December 2026 (December 4 is a Friday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def nine_to_five(settings):
    set_opening_hours(9, 17)
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.CONSULTATION_SLA_BUSINESS_HOURS = 4


def test_a_status_change_is_timed_recorded_and_audited(intake):
    request = stored_request()
    change_status(consultation_request=request, status=Status.ATTEMPTING_CONTACT, by=intake, now=at(7, 10))
    change_status(consultation_request=request, status=Status.CLOSED, by=intake, now=at(8, 11))
    request.refresh_from_db()
    assert (request.first_contacted_at, request.closed_at) == (at(7, 10), at(8, 11))
    steps = [(step.from_status, step.to_status, step.changed_by) for step in request.status_changes.all()]
    assert steps == [
        (Status.NEW, Status.ATTEMPTING_CONTACT, intake),
        (Status.ATTEMPTING_CONTACT, Status.CLOSED, intake),
    ]
    audit = AuditEntry.objects.filter(action=AuditAction.CHANGED).order_by("at")
    assert [entry.detail for entry in audit] == [
        "status: New → Attempting contact",
        "status: Attempting contact → Closed",
    ]
    assert {entry.references for entry in audit} == {request.reference_display}


def test_reopening_clears_closed_at_but_keeps_first_contact(intake):
    request = stored_request()
    change_status(consultation_request=request, status=Status.NOT_A_FIT, by=intake, now=at(7, 10))
    change_status(consultation_request=request, status=Status.ATTEMPTING_CONTACT, by=intake, now=at(7, 12))
    request.refresh_from_db()
    assert request.closed_at is None
    assert request.first_contacted_at == at(7, 10)


def test_the_timeline_starts_from_the_stored_status_not_a_stale_copy(intake, manager):
    request = stored_request()
    stale = ConsultationRequest.objects.get(pk=request.pk)
    change_status(consultation_request=request, status=Status.ATTEMPTING_CONTACT, by=manager, now=at(7, 10))
    change_status(consultation_request=stale, status=Status.CLOSED, by=intake, now=at(7, 11))
    last = request.status_changes.last()
    assert (last.from_status, last.to_status) == (Status.ATTEMPTING_CONTACT, Status.CLOSED)
    stale.refresh_from_db()
    assert stale.first_contacted_at == at(7, 10), "the first contact is kept"


def test_the_same_status_again_records_nothing(intake):
    request = stored_request()
    change_status(consultation_request=request, status=Status.NEW, by=intake)
    assert not request.status_changes.exists()
    assert not AuditEntry.objects.exists()


def test_the_first_call_attempt_moves_a_new_request_on(intake):
    request = stored_request()
    before = timezone.now()
    attempt = record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.NO_ANSWER)
    request.refresh_from_db()
    assert (attempt.made_by, attempt.outcome) == (intake, CallOutcome.NO_ANSWER)
    assert request.status == Status.ATTEMPTING_CONTACT
    assert before <= request.first_contacted_at <= timezone.now()
    record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.REACHED)
    assert request.call_attempts.count() == 2
    assert request.status_changes.count() == 1


def test_assigning_and_notes_are_audited_without_their_text(intake, manager):
    request = stored_request()
    assign_request(consultation_request=request, assignee=intake, by=manager)
    add_note(consultation_request=request, by=intake, text="Sam's sister answered; call back after 3")
    details = list(AuditEntry.objects.order_by("at").values_list("actor__username", "detail"))
    assert details == [("manager", "assigned to intake"), ("intake", "note")]


@pytest.mark.parametrize(
    ("received", "now", "overdue"),
    [
        pytest.param(at(8, 10), at(8, 14), True, id="four-hours-the-same-day"),
        pytest.param(at(8, 10), at(8, 13, 59), False, id="a-minute-short"),
        pytest.param(at(4, 15), at(7, 11), True, id="friday-afternoon-monday-morning"),
        pytest.param(at(4, 15, 1), at(7, 11), False, id="the-weekend-does-not-count"),
        pytest.param(at(5, 12), at(7, 12, 59), False, id="saturday-counts-from-monday-opening"),
        pytest.param(at(5, 12), at(7, 13), True, id="saturday-due-monday-1-pm"),
    ],
)
def test_overdue_counts_opening_hours_only(nine_to_five, received, now, overdue):
    request = stored_request(now=received)
    assert ConsultationRequest.objects.overdue(now).filter(pk=request.pk).exists() is overdue
    assert ConsultationRequest.objects.not_overdue(now).filter(pk=request.pk).exists() is not overdue
    assert ConsultationRequest.objects.with_triage_figures(now).get(pk=request.pk).is_overdue is overdue


def test_only_new_requests_are_overdue(nine_to_five, intake):
    request = stored_request(now=at(1, 10))
    change_status(consultation_request=request, status=Status.ATTEMPTING_CONTACT, by=intake, now=at(1, 11))
    assert not ConsultationRequest.objects.overdue(at(8, 10)).exists()
    assert overdue_since(at(8, 13)) == at(8, 9)


def test_erasure_blanks_personal_fields_and_keeps_the_rest(manager, intake):
    request = stored_request(name="Zoë", phone="+12075550187", email="zoe@example.org", message="Call me")
    record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.LEFT_VOICEMAIL, note="Zoë's cell")
    add_note(consultation_request=request, by=intake, text="Prefers Zoë, not Zoey")
    erase_personal_data(consultation_request=request, by=manager)
    request.refresh_from_db()
    assert (request.name, request.phone, request.email, request.message) == ("", "", "", "")
    assert request.erased_at is not None
    assert request.reference and request.first_contacted_at and request.call_mornings
    assert request.status == Status.ATTEMPTING_CONTACT
    assert list(request.notes.values_list("text", flat=True)) == [""]
    assert list(request.call_attempts.values_list("note", "outcome")) == [("", CallOutcome.LEFT_VOICEMAIL)]
    assert AuditEntry.objects.filter(action=AuditAction.ERASED, actor=manager).get().references == str(request)


@pytest.fixture
def aged_requests(settings, intake):
    """Requests either side of the retention limits (365 days closed, 30 days for spam)."""
    settings.CONSULTATION_RETENTION_DAYS = 365
    settings.CONSULTATION_SPAM_RETENTION_DAYS = 30
    settings.CONSULTATION_MAX_RETENTION_DAYS = 1000  # tests/consultations/test_retention.py tries the limit
    now = timezone.now()

    def closed(status, days_ago):
        request = stored_request(name="Old Name", now=now - timedelta(days=days_ago + 10))
        change_status(consultation_request=request, status=status, by=intake, now=now - timedelta(days=days_ago))
        return request

    return {
        "expired": [
            closed(Status.CLOSED, 366),
            closed(Status.NOT_A_FIT, 400),
            stored_request(spam_reason=SpamReason.HONEYPOT, now=now - timedelta(days=31)),
        ],
        "kept": [
            closed(Status.CLOSED, 364),
            closed(Status.CONSULTATION_SCHEDULED, 500),
            stored_request(now=now - timedelta(days=900)),
            stored_request(spam_reason=SpamReason.TOO_FAST, now=now - timedelta(days=29)),
        ],
    }


def test_purge_dry_run_counts_and_deletes_nothing(aged_requests):
    counts = purge_expired_requests(dry_run=True)
    assert counts == {"closed or not a fit": 2, "spam": 1, "older than the limit": 0, "unconfirmed spam": 0}
    assert ConsultationRequest.objects.count() == 7
    assert not AuditEntry.objects.filter(action=AuditAction.PURGED).exists()


def test_purge_deletes_expired_requests_and_keeps_the_rest(aged_requests, caplog, capsys):
    with caplog.at_level(logging.INFO):
        call_command("purge_requests")
    assert set(ConsultationRequest.objects.values_list("pk", flat=True)) == {r.pk for r in aged_requests["kept"]}
    purged = AuditEntry.objects.filter(action=AuditAction.PURGED)
    assert sum(entry.row_count for entry in purged) == 3
    assert "Deleted: 2 closed or not a fit, 1 spam, 0 older than the limit," in capsys.readouterr().out
    logged = caplog.text
    assert "2 closed or not a fit, 1 spam" in logged
    assert "Old Name" not in logged
    assert not any(str(request) in logged for request in aged_requests["expired"]), "counts only"


def test_purge_command_dry_run(aged_requests, capsys):
    call_command("purge_requests", "--dry-run")
    assert "Would delete: 2 closed or not a fit, 1 spam, 0 older than the limit," in capsys.readouterr().out
    assert ConsultationRequest.objects.count() == 7


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 207", "'+1 207"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tsneaky", "'\tsneaky"),
        ("\rsneaky", "'\rsneaky"),
        ("Anne-Marie", "Anne-Marie"),
        ("", ""),
        (3, "3"),
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(value, cell):
    assert neutralise(value) == cell


def _a_month_of_calls(intake, now):
    """Requests of the last weeks, some called: returns the one overdue at `now`."""
    overdue = stored_request(now=at(8, 9))
    stored_request(now=at(8, 14))  # new, not yet overdue
    stored_request(spam_reason=SpamReason.HONEYPOT, now=at(7, 10))
    quick = stored_request(now=at(7, 10))
    change_status(consultation_request=quick, status=Status.ATTEMPTING_CONTACT, by=intake, now=at(7, 11))
    slow = stored_request(now=at(3, 10))
    change_status(consultation_request=slow, status=Status.CLOSED, by=intake, now=at(4, 13))
    old = stored_request(now=now - timedelta(days=20))
    change_status(consultation_request=old, status=Status.CONSULTATION_SCHEDULED, by=intake, now=at(7, 12, 30))
    # Received more than 30 days ago: not in the median.
    ancient = stored_request(now=now - timedelta(days=60))
    change_status(consultation_request=ancient, status=Status.CLOSED, by=intake, now=now - timedelta(days=40))
    for request, called in ((quick, at(7, 11)), (slow, at(4, 13)), (old, at(7, 12, 30)), (ancient, at(7, 9))):
        with time_machine.travel(called, tick=False):  # recorded as it was made, not a late entry
            record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.REACHED)
    return overdue


def test_dashboard_figures(nine_to_five, intake):
    now = at(8, 15)
    overdue = _a_month_of_calls(intake, now)

    figures = triage_figures(now)

    assert dict((status, count) for status, _label, count in figures.by_status) == {
        Status.NEW: 2,
        Status.ATTEMPTING_CONTACT: 1,
        Status.CONSULTATION_SCHEDULED: 1,
        Status.NOT_A_FIT: 0,
        Status.CLOSED: 2,
        Status.SPAM: 1,
    }
    assert figures.overdue == 1 and overdue.status == Status.NEW
    assert (figures.received_7_days, figures.received_30_days) == (4, 5)
    # The first calls came 1 opening hour after quick arrived, 11 after slow (Thursday 10 am to Friday 1 pm, open
    # 9 to 5) and days after old: the median is the middle one, as the figures page measures it.
    assert figures.median_hours_to_first_call == pytest.approx(11)


def test_the_admin_index_reuses_the_median_for_a_minute_unchanged(nine_to_five, intake):
    now = at(8, 15)
    _a_month_of_calls(intake, now)
    with time_machine.travel(now, tick=False):
        measured = triage_figures(now)
        first = triage_figures()
        with CaptureQueriesContext(connection) as again:
            assert triage_figures() == first
    assert first == measured and first.median_hours_to_first_call == pytest.approx(11)
    assert not any("first_call" in query["sql"] for query in again.captured_queries), "measured again"
