from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from consultations.models import NotificationKind, StaffNotification, Status
from consultations.outbox import INTAKE_STAFF_GROUP, deliver_notification, overdue_requests, record_overdue_digests
from consultations.services import change_status
from tests.consultations.notifications.conftest import everything_in
from tests.factories import staff_member, stored_request

pytestmark = pytest.mark.django_db
CLINIC = ZoneInfo("America/New_York")


def clinic_time(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday, November 23, 2026 (opening hours Mon-Fri 08:00-17:00)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CLINIC)


@pytest.fixture
def requests_of_monday(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.CONSULTATION_SLA_BUSINESS_HOURS = 4
    morning = stored_request(name="Gwendolyn", phone="+12075550111", now=clinic_time(23, 9))
    afternoon = stored_request(name="Ignatius", phone="+12075550112", now=clinic_time(23, 14))
    handled = stored_request(name="Hortense", phone="+12075550113", now=clinic_time(23, 9))
    change_status(consultation_request=handled, status=Status.ATTEMPTING_CONTACT)
    StaffNotification.objects.all().delete()
    return morning, afternoon


def test_overdue_means_still_new_after_the_business_hours_allowed(requests_of_monday):
    morning, afternoon = requests_of_monday
    assert overdue_requests(now=clinic_time(23, 12, 59)) == []
    assert overdue_requests(now=clinic_time(23, 13)) == [morning]
    # Monday 14:00 to 17:00 is three hours; the fourth is Tuesday's first, 08:00 to 09:00.
    assert overdue_requests(now=clinic_time(24, 8, 59)) == [morning]
    assert overdue_requests(now=clinic_time(24, 9)) == [morning, afternoon]


def test_the_digest_lists_references_and_links_only_to_each_recipient(requests_of_monday, settings, smtp_server):
    morning, afternoon = requests_of_monday
    staff_member("ann", INTAKE_STAFF_GROUP, email="ann@example.org")
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    now = clinic_time(24, 8, 30)
    digests = record_overdue_digests(now=now)
    assert [(digest.kind, digest.recipient) for digest in digests] == [
        (NotificationKind.OVERDUE_DIGEST, "ann@example.org"),
        (NotificationKind.OVERDUE_DIGEST, "intake@example.org"),
    ]
    for digest in digests:
        assert deliver_notification(notification_id=digest.pk, now=now) == "sent"
    assert [message["X-Envelope-To"] for message in smtp_server.received] == ["ann@example.org", "intake@example.org"]
    for message in smtp_server.received:
        assert message["Subject"] == "1 call-back request overdue"
        text = message.get_body(("plain",)).get_content()
        assert "1 call-back request is still new after 4 hours of opening time" in text
        assert morning.reference_display in text and afternoon.reference_display not in text
        assert f"https://www.example.org/admin/consultations/consultationrequest/{morning.pk}/change/" in text
        assert "https://www.example.org/admin/consultations/consultationrequest/?overdue=yes" in text
        everything = everything_in(message)
        for name in ("Gwendolyn", "Ignatius", "Hortense", "555-011", "2075550"):
            assert name not in everything


def test_nothing_overdue_records_no_digest(requests_of_monday, settings, capsys):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    assert record_overdue_digests(now=clinic_time(23, 12)) == []
    change_status(consultation_request=requests_of_monday[0], status=Status.CLOSED)
    change_status(consultation_request=requests_of_monday[1], status=Status.CLOSED)
    call_command("send_overdue_digest")
    assert capsys.readouterr().out == "0 overdue request(s); digest queued for 0 recipient(s).\n"
    assert not StaffNotification.objects.exists()


def test_the_command_queues_a_digest_per_recipient(requests_of_monday, settings, capsys):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org", "lead@example.org"]
    call_command("send_overdue_digest")
    assert capsys.readouterr().out == "2 overdue request(s); digest queued for 2 recipient(s).\n"
    assert StaffNotification.objects.filter(kind=NotificationKind.OVERDUE_DIGEST).count() == 2
