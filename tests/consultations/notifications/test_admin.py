import pytest
from django_tasks_db.models import DBTaskResult

from consultations.models import NotificationStatus, StaffNotification
from tests.conftest import sign_in_staff
from tests.factories import staff_member, stored_request

pytestmark = pytest.mark.django_db
NOTIFICATIONS = "/admin/consultations/staffnotification/"


def staff_client(client, *permissions: str):
    return sign_in_staff(client, staff_member("staff", permissions=permissions))


@pytest.fixture
def failed_notification(settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    request = stored_request()
    StaffNotification.objects.update(status=NotificationStatus.FAILED, attempts=1, last_error="550 5.1.1 unknown")
    return StaffNotification.objects.get(consultation_request=request)


def test_the_list_shows_status_attempts_and_error_read_only(client, failed_notification):
    response = staff_client(client, "view_staffnotification").get(NOTIFICATIONS)
    content = response.content.decode()
    assert "550 5.1.1 unknown" in content and "intake@example.org" in content
    assert failed_notification.consultation_request.reference_display in content
    assert 'value="resend"' not in content, "only managers may resend"
    change = client.get(f"{NOTIFICATIONS}{failed_notification.pk}/change/").content.decode()
    assert 'name="recipient"' not in change


def test_a_manager_resends_a_failed_email_through_the_service(
    client, failed_notification, django_capture_on_commit_callbacks
):
    manager = staff_client(client, "view_staffnotification", "resend_staffnotification")
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            NOTIFICATIONS, {"action": "resend", "_selected_action": [failed_notification.pk]}, follow=True
        )
    assert "1 email(s) queued again." in response.content.decode()
    failed_notification.refresh_from_db()
    assert (failed_notification.status, failed_notification.attempts) == (NotificationStatus.PENDING, 0)
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"notification_id": failed_notification.pk}


def test_the_list_warns_when_no_one_would_be_notified_and_about_failures(client, failed_notification, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = []
    content = staff_client(client, "view_staffnotification").get(NOTIFICATIONS).content.decode()
    assert "No one receives emails about new call-back requests" in content
    assert "1 staff email(s) failed" in content


def test_the_request_page_shows_its_emails(admin_client, failed_notification):
    request = failed_notification.consultation_request
    content = admin_client.get(f"/admin/consultations/consultationrequest/{request.pk}/change/").content.decode()
    assert "staff emails about this request" in content.lower()
    assert "550 5.1.1 unknown" in content
