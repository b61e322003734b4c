"""A slow SMTP server (every reply late, each within EMAIL_TIMEOUT) against the overall deadline of a send."""

import time

import pytest

from consultations.models import NotificationStatus, StaffNotification
from consultations.outbox import deliver_notification
from tests.factories import stored_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # slow: waits out SMTP deadlines


def test_a_send_stops_at_its_deadline_however_promptly_each_reply_comes(smtp_server, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    settings.EMAIL_TIMEOUT = 2  # each reply comes well within this ...
    settings.EMAIL_SEND_TIMEOUT = 1.5  # ... but EHLO, MAIL, RCPT and DATA together take 2.8 s
    smtp_server.reply_delay = 0.7
    stored_request()
    notification = StaffNotification.objects.get()

    started = time.monotonic()
    deliver_notification(notification_id=notification.pk)
    took = time.monotonic() - started

    assert took < 2.5
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 1)
    assert notification.last_error.startswith("SMTPServerDisconnected")
    assert smtp_server.received == []

    smtp_server.reply_delay = 0.1  # a send of about 0.4 s: within the deadline
    deliver_notification(notification_id=notification.pk, now=notification.next_attempt_at)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(smtp_server.received) == 1


def test_without_a_deadline_the_same_server_would_have_taken_the_email(smtp_server, settings):
    """The control: the slow server does take mail from a client that waits long enough."""
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    settings.EMAIL_TIMEOUT = 2
    settings.EMAIL_SEND_TIMEOUT = 10
    smtp_server.reply_delay = 0.7
    stored_request()
    deliver_notification(notification_id=StaffNotification.objects.get().pk)
    assert StaffNotification.objects.get().status == NotificationStatus.SENT
    assert len(smtp_server.received) == 1
