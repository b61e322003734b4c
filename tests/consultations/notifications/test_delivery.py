import logging
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from consultations import emails
from consultations.dashboard import notification_health
from consultations.models import ConsultationRequest, NotificationStatus, StaffNotification
from consultations.outbox import (
    INTAKE_STAFF_GROUP,
    deliver_notification,
    notification_recipients,
    resend_notification,
    retry_delay,
    sweep_notifications,
)
from tests.consultations.notifications.conftest import everything_in, run_queued_tasks
from tests.factories import staff_member, stored_request

pytestmark = pytest.mark.django_db

# What a person might type, each distinctive enough that finding it anywhere in an email means a leak.
PERSONAL = {
    "name": "Zebediah Quartermaine",
    "phone": "+12075550177",
    "email": "zq.private@example.net",
    "message": "Please ask for Marigold about the Xanax taper",
    "call_times": ["evenings"],
    "voicemail_ok": False,
    "request_for": "someone_i_care_about",
}
LEAKS = [
    "Zebediah",
    "Quartermaine",
    "2075550177",
    "555-0177",
    "zq.private",
    "Marigold",
    "Xanax",
    "evening",
    "someone",
    "care about",
    "voicemail",
]


@pytest.fixture
def one_recipient(settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]


def pending_notification() -> StaffNotification:
    """A new request's one notification, with its task queued (as after the request's transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        stored_request()
    return StaffNotification.objects.get()


def test_recipients_are_active_intake_staff_with_an_email_and_the_setting_each_once(settings):
    staff_member("ann", INTAKE_STAFF_GROUP, email="ann@example.org")
    staff_member("bob", INTAKE_STAFF_GROUP, email="")
    staff_member("cat", INTAKE_STAFF_GROUP, email="cat@example.org", is_active=False)
    staff_member("dan", INTAKE_STAFF_GROUP, email="Dan@example.org")
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org", " dan@example.org", "ANN@example.org"]
    assert notification_recipients() == ["ann@example.org", "Dan@example.org", "intake@example.org"]


def test_a_request_sends_one_email_per_recipient_with_the_link_and_nothing_the_person_typed(
    smtp_server, settings, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    staff_member("ann", INTAKE_STAFF_GROUP, email="ann@example.org")
    staff_member("ben", INTAKE_STAFF_GROUP, email="ben@example.org")
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        request = stored_request(**PERSONAL)
    assert {task.args_kwargs["kwargs"]["notification_id"] for task in DBTaskResult.objects.all()} == set(
        StaffNotification.objects.values_list("pk", flat=True)
    )
    assert all(
        task.args_kwargs == {"args": [], "kwargs": {"notification_id": task.args_kwargs["kwargs"]["notification_id"]}}
        for task in DBTaskResult.objects.all()
    )

    run_queued_tasks()
    run_queued_tasks()

    assert sorted(message["X-Envelope-To"] for message in smtp_server.received) == [
        "ann@example.org",
        "ben@example.org",
        "intake@example.org",
    ]
    link = f"https://www.example.org/admin/consultations/consultationrequest/{request.pk}/change/"
    for message in smtp_server.received:
        assert message["Subject"] == f"New call-back request {request.reference_display}"
        assert link in message.get_body(("plain",)).get_content()
        assert f'href="{link}"' in message.get_body(("html",)).get_content()
        text = everything_in(message).lower()
        for value in LEAKS:
            assert value.lower() not in text
    assert set(StaffNotification.objects.values_list("status", "attempts")) == {(NotificationStatus.SENT, 1)}
    for value in LEAKS:
        assert value.lower() not in caplog.text.lower()
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_the_email_says_when_the_request_arrived_in_clinic_time(smtp_server, one_recipient):
    arrived = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)
    stored_request(now=arrived)
    deliver_notification(notification_id=StaffNotification.objects.get().pk)
    assert "Thursday, November 26, 2026, 9:05 a.m. EST" in smtp_server.received[0].get_body(("plain",)).get_content()


def test_spam_and_duplicates_record_and_send_nothing(smtp_server, one_recipient, django_capture_on_commit_callbacks):
    first = stored_request(phone="+12075550123")
    StaffNotification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        stored_request(spam_reason="honeypot")
        duplicate = stored_request(phone="+12075550123")
        stored_request(submission_token=first.submission_token)
    assert duplicate.duplicate_of == first
    assert not StaffNotification.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_queued_tasks()
    assert smtp_server.received == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(smtp_server, one_recipient):
    with pytest.raises(RuntimeError), transaction.atomic():
        stored_request()
        raise RuntimeError("the surrounding work failed")
    assert not ConsultationRequest.objects.exists()
    assert not StaffNotification.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_queued_tasks()
    assert smtp_server.received == []


def test_no_recipient_is_a_warning_and_a_problem_on_the_dashboard(settings, caplog):
    settings.CONSULTATION_NOTIFY_EMAILS = []
    staff_member("ann", INTAKE_STAFF_GROUP, email="")
    with caplog.at_level(logging.WARNING):
        stored_request(**PERSONAL)
    assert not StaffNotification.objects.exists()
    assert "No one to notify" in caplog.text
    assert "Zebediah" not in caplog.text
    health = notification_health()
    assert health.recipients == 0
    assert any("Intake staff" in problem for problem in health.problems)


def test_retries_back_off_exponentially_up_to_a_cap(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATION_RETRY_CAP_SECONDS = 3600
    delays = [retry_delay(attempts=attempts).total_seconds() / 60 for attempts in range(1, 10)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    # The defaults give up after about 24 hours of trying.
    total = sum((retry_delay(attempts=attempts) for attempts in range(1, 30)), timedelta())
    assert timedelta(hours=23) < total < timedelta(hours=25)


def test_smtp_down_then_up_is_delivered_once_after_retries(
    smtp_server, one_recipient, django_capture_on_commit_callbacks
):
    notification = pending_notification()
    start = notification.next_attempt_at

    smtp_server.stop()  # connections refused
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_notification(notification_id=notification.pk, now=start) == "retry"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 1)
    assert notification.next_attempt_at == start + timedelta(minutes=1)
    assert "ConnectionRefusedError" in notification.last_error
    # The retry is queued for when it is due; django-tasks would not retry by itself.
    assert DBTaskResult.objects.filter(run_after=notification.next_attempt_at).count() == 1
    assert deliver_notification(notification_id=notification.pk, now=start + timedelta(seconds=59)) == "not due"

    smtp_server.start()
    smtp_server.reply_to_rcpt = "451 4.2.1 Mailbox busy, try later"
    assert deliver_notification(notification_id=notification.pk, now=start + timedelta(minutes=1)) == "retry"
    notification.refresh_from_db()
    assert notification.next_attempt_at == start + timedelta(minutes=3)
    assert notification.last_error.startswith("451 4.2.1")

    smtp_server.hang_next_data = True  # a server that stops answering: EMAIL_TIMEOUT
    smtp_server.reply_to_rcpt = "250 OK"
    assert deliver_notification(notification_id=notification.pk, now=start + timedelta(minutes=3)) == "retry"
    notification.refresh_from_db()
    assert notification.next_attempt_at == start + timedelta(minutes=7)
    assert "timed out" in notification.last_error

    later = start + timedelta(minutes=7)
    assert deliver_notification(notification_id=notification.pk, now=later) == "sent"
    assert deliver_notification(notification_id=notification.pk, now=later + timedelta(hours=1)) == "not due"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.sent_at) == (NotificationStatus.SENT, 4, later)
    assert len(smtp_server.received) == 1


def test_a_temporary_failure_gives_up_after_the_last_attempt(smtp_server, one_recipient, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = pending_notification()
    smtp_server.reply_to_rcpt = "421 4.7.0 Too many connections"
    moment = notification.next_attempt_at
    outcomes = []
    for _ in range(3):
        outcomes.append(deliver_notification(notification_id=notification.pk, now=moment))
        moment += timedelta(hours=1)
    assert outcomes == ["retry", "retry", "failed"]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error.startswith("421")


def test_an_unexpected_error_is_retried_and_raised_for_the_task_result(one_recipient, monkeypatch):
    notification = pending_notification()
    monkeypatch.setattr(emails, "send_notification", mock.Mock(side_effect=ValueError("bad setting")))
    with pytest.raises(ValueError, match="bad setting"):
        deliver_notification(notification_id=notification.pk, now=notification.next_attempt_at)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        NotificationStatus.PENDING,
        1,
        "ValueError",
    )


def test_a_permanent_failure_fails_at_once_and_resend_delivers_it(
    smtp_server, one_recipient, django_capture_on_commit_callbacks
):
    notification = pending_notification()
    smtp_server.reply_to_rcpt = "550 5.1.1 intake@example.org: no such mailbox"
    assert deliver_notification(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.FAILED, 1)
    assert notification.last_error == "550 5.1.1 intake@example.org: no such mailbox"
    assert notification_health().failed == 1

    smtp_server.reply_to_rcpt = "250 OK"
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert resend_notification(notification=notification)
        assert not resend_notification(notification=notification)  # already on its way
    run_queued_tasks()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (NotificationStatus.SENT, 1, "")
    assert len(smtp_server.received) == 1


def test_the_sweeper_queues_due_notifications_that_have_no_task_once(one_recipient):
    notification = pending_notification()
    DBTaskResult.objects.all().delete()  # the enqueue after commit was lost (the process died)
    now = timezone.now()
    assert sweep_notifications(now=now)["queued again"] == 1
    assert sweep_notifications(now=now)["queued again"] == 0
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"notification_id": notification.pk}


def test_the_sweeper_recovers_from_a_worker_killed_mid_send(smtp_server, one_recipient, settings):
    settings.NOTIFICATION_LEASE_SECONDS = 120
    notification = pending_notification()
    task = DBTaskResult.objects.get()
    now = timezone.now()
    # What a killed worker leaves behind: its task RUNNING, the notification claimed.
    task.claim("killed-worker")
    StaffNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, attempts=1, claimed_until=now + timedelta(seconds=120)
    )
    assert sweep_notifications(now=now + timedelta(seconds=60)) == {
        "abandoned": 0,
        "stalled tasks": 0,
        "queued again": 0,
    }
    later = now + timedelta(seconds=121)
    assert sweep_notifications(now=later) == {"abandoned": 0, "stalled tasks": 1, "queued again": 1}
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "consultations.task_queue.WorkerLost"
    assert deliver_notification(notification_id=notification.pk, now=later) == "sent"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)


def test_a_notification_abandoned_on_its_last_attempt_fails(one_recipient, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    notification = pending_notification()
    now = timezone.now()
    StaffNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, attempts=2, claimed_until=now
    )
    assert sweep_notifications(now=now + timedelta(seconds=1))["abandoned"] == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.claimed_until is None


def test_health_counts_emails_no_worker_picked_up(one_recipient):
    notification = pending_notification()
    assert notification_health(now=notification.next_attempt_at + timedelta(minutes=5)).waiting == 0
    health = notification_health(now=notification.next_attempt_at + timedelta(minutes=11))
    assert health.waiting == 1
    assert any("worker" in problem for problem in health.problems)


def test_every_attempt_at_one_email_has_the_same_message_id_and_other_emails_another(smtp_server, one_recipient):
    notification = pending_notification()
    smtp_server.reply_after_next_data = "451 4.3.0 Try again later"  # it took the message, but says it did not
    deliver_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 1)
    deliver_notification(notification_id=notification.pk, now=notification.next_attempt_at)
    assert StaffNotification.objects.get().status == NotificationStatus.SENT

    first, again = (message["Message-ID"] for message in smtp_server.received)
    assert first == again
    assert first.startswith("<staff-notification.") and first.endswith("@localhost>")
    stored_request(phone="+12075550199")
    other = StaffNotification.objects.exclude(pk=notification.pk).get()
    deliver_notification(notification_id=other.pk)
    assert smtp_server.received[-1]["Message-ID"] not in (first, None)
