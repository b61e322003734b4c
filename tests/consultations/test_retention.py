"""Retention: an absolute limit whatever the status, with everything that belongs to a request (issue 13, item 4),
and spam kept from when it was marked spam (item 7)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from consultations.models import (
    AuditAction,
    AuditEntry,
    CallAttempt,
    CallOutcome,
    ConsultationRequest,
    Note,
    StaffNotification,
    Status,
    StatusChange,
)
from consultations.services import (
    add_note,
    change_status,
    confirm_spam,
    purge_expired_requests,
    record_call_attempt,
)
from tests.consultations.conftest import ADMIN
from tests.factories import stored_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.CONSULTATION_RETENTION_DAYS = 365
    settings.CONSULTATION_SPAM_RETENTION_DAYS = 30
    settings.CONSULTATION_MAX_RETENTION_DAYS = 730
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    return settings


# Closed, not a fit and spam have shorter limits of their own (tests/consultations/test_triage_services.py).
@pytest.mark.parametrize("status", [Status.NEW, Status.ATTEMPTING_CONTACT, Status.CONSULTATION_SCHEDULED])
def test_any_request_older_than_the_limit_is_purged_with_all_that_belongs_to_it(
    limits, intake, status, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # the staff emails' tasks are queued on commit
        old = stored_request(name="Old Name", now=now - timedelta(days=731))
        young = stored_request(name="Young", phone="+12075550199", now=now - timedelta(days=729))
    for request in (old, young):
        change_status(consultation_request=request, status=status, by=intake, now=now - timedelta(days=700))
        record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.NO_ANSWER)
        add_note(consultation_request=request, by=intake, text="Rang")
    assert StaffNotification.objects.filter(consultation_request=old).exists()
    old_tasks = [
        task.pk
        for task in DBTaskResult.objects.all()
        if task.args_kwargs["kwargs"].get("notification_id")
        in set(StaffNotification.objects.filter(consultation_request=old).values_list("pk", flat=True))
    ]
    assert old_tasks
    tasks_before = DBTaskResult.objects.count()

    counts = purge_expired_requests(dry_run=False)

    assert counts["older than the limit"] == 1
    assert list(ConsultationRequest.objects.values_list("pk", flat=True)) == [young.pk]
    for model in (Note, CallAttempt, StatusChange, StaffNotification):
        assert not model.objects.filter(consultation_request_id=old.pk).exists(), model
        assert model.objects.filter(consultation_request=young).exists(), model
    assert not DBTaskResult.objects.filter(pk__in=old_tasks).exists()
    assert DBTaskResult.objects.count() == tasks_before - len(old_tasks)
    entry = AuditEntry.objects.get(action=AuditAction.PURGED, detail="older than the limit")
    assert entry.references == str(old)


def test_the_limit_is_stated_on_the_privacy_page(limits, client):
    text = client.get("/privacy/").content.decode()
    assert "730 days after you sent it" in text


def test_the_purge_command_reports_the_limit(limits, capsys):
    stored_request(now=timezone.now() - timedelta(days=800))
    call_command("purge_requests")
    assert "1 older than the limit" in capsys.readouterr().out


# Item 7: spam is kept from when it was marked spam


def test_spam_age_counts_from_when_it_was_confirmed(limits, intake, manager):
    now = timezone.now()
    request = stored_request(now=now - timedelta(days=40))
    change_status(consultation_request=request, status=Status.SPAM, by=intake, now=now)
    confirm_spam(consultation_requests=[request], by=manager, now=now)
    purge_expired_requests(dry_run=False, now=now + timedelta(days=1))
    assert ConsultationRequest.objects.filter(pk=request.pk).exists(), "confirmed yesterday: not yet"
    purge_expired_requests(dry_run=False, now=now + timedelta(days=31))
    assert not ConsultationRequest.objects.filter(pk=request.pk).exists()


# Issue 22, item 10: staff marking a request spam does not shorten its life until a manager confirms


def test_spam_marked_by_intake_keeps_the_full_retention_until_a_manager_confirms(limits, intake):
    now = timezone.now()
    request = stored_request(now=now - timedelta(days=2))
    change_status(consultation_request=request, status=Status.SPAM, by=intake, now=now)
    assert purge_expired_requests(dry_run=False, now=now + timedelta(days=31))["spam"] == 0
    assert ConsultationRequest.objects.filter(pk=request.pk).exists(), "not confirmed: kept past the spam period"
    counts = purge_expired_requests(dry_run=False, now=now + timedelta(days=366))
    assert counts["unconfirmed spam"] == 1
    assert not ConsultationRequest.objects.filter(pk=request.pk).exists()


def test_only_a_manager_confirms_spam_and_it_is_audited(limits, intake, intake_client, manager, manager_client):
    request = stored_request()
    change_status(consultation_request=request, status=Status.SPAM, by=intake)
    genuine = stored_request(phone="+12075550166")
    action = {"action": "confirm_spam", "_selected_action": [request.pk, genuine.pk]}
    intake_client.post(f"{ADMIN}?status=all", action)
    request.refresh_from_db()
    assert request.spam_confirmed_at is None
    response = manager_client.post(f"{ADMIN}?status=all", action, follow=True)
    assert "1 request(s) confirmed as spam. 1 not marked spam" in response.content.decode()
    request.refresh_from_db()
    genuine.refresh_from_db()
    assert request.spam_confirmed_by == manager and request.spam_confirmed_at is not None
    assert genuine.spam_confirmed_at is None and genuine.status == Status.NEW
    entry = AuditEntry.objects.get(detail="spam confirmed")
    assert entry.actor == manager and entry.references == request.reference_display


def test_the_dashboard_tells_managers_of_spam_awaiting_confirmation(intake, intake_client, manager_client):
    request = stored_request()
    change_status(consultation_request=request, status=Status.SPAM, by=intake)
    stored_request(spam_reason="honeypot", phone="+12075550166")  # the form's own checks: confirmed as it came
    assert "1 request marked spam by staff" in manager_client.get("/admin/").content.decode()
    assert "marked spam by staff" not in intake_client.get("/admin/").content.decode()


def test_moving_out_of_spam_clears_the_confirmation(limits, intake, manager):
    request = stored_request()
    change_status(consultation_request=request, status=Status.SPAM, by=intake)
    confirm_spam(consultation_requests=[request], by=manager)
    change_status(consultation_request=request, status=Status.NEW, by=manager)
    change_status(consultation_request=request, status=Status.SPAM, by=intake)
    request.refresh_from_db()
    assert request.spam_confirmed_at is None and request.spam_confirmed_by is None


def test_the_migration_confirms_the_forms_spam_only(limits, intake):
    migration = importlib.import_module("consultations.migrations.0012_spam_confirmed_by_a_manager")
    caught = stored_request(spam_reason="honeypot")
    marked = stored_request(phone="+12075550166")
    change_status(consultation_request=marked, status=Status.SPAM, by=intake)
    ConsultationRequest.objects.update(spam_confirmed_at=None)
    migration.confirm_the_forms_spam_and_grant_managers(django_apps, None)
    caught.refresh_from_db()
    marked.refresh_from_db()
    assert caught.spam_confirmed_at == caught.spam_marked_at
    assert marked.spam_confirmed_at is None


def test_spam_caught_by_the_form_counts_from_when_it_arrived(limits):
    now = timezone.now()
    request = stored_request(spam_reason="honeypot", now=now - timedelta(days=31))
    assert request.spam_marked_at == now - timedelta(days=31)
    purge_expired_requests(dry_run=False, now=now)
    assert not ConsultationRequest.objects.filter(pk=request.pk).exists()


def test_moving_out_of_spam_clears_the_mark(limits, intake):
    request = stored_request(spam_reason="honeypot")
    change_status(consultation_request=request, status=Status.NEW, by=intake)
    request.refresh_from_db()
    assert request.spam_marked_at is None


# Item 15: digest emails do not pile up


def test_the_nightly_purge_deletes_finished_digests_older_than_90_days(limits, capsys):
    from consultations.models import NotificationKind, NotificationStatus

    now = timezone.now()

    def digest(days_ago, status):
        return StaffNotification.objects.create(
            kind=NotificationKind.OVERDUE_DIGEST,
            recipient="intake@example.org",
            status=status,
            created_at=now - timedelta(days=days_ago),
            next_attempt_at=now - timedelta(days=days_ago),
        )

    old_sent, old_failed = digest(91, NotificationStatus.SENT), digest(120, NotificationStatus.FAILED)
    kept = [digest(89, NotificationStatus.SENT), digest(91, NotificationStatus.PENDING)]
    call_command("purge_requests")
    assert set(StaffNotification.objects.values_list("pk", flat=True)) == {n.pk for n in kept}
    assert {old_sent.pk, old_failed.pk}.isdisjoint(StaffNotification.objects.values_list("pk", flat=True))
    assert "2 old digest emails" in capsys.readouterr().out
