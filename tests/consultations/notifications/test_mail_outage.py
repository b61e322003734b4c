"""A refusing mail server with a real worker (`manage.py run_worker`): staff see "Staff emails are not going out",
with the mail server's own answer, within two minutes of the first failed send (issue 27.4: it took 303 s), and the
email goes out once the server answers again."""

import time

import pytest

from consultations.models import NotificationStatus, StaffNotification
from tests.factories import stored_request
from tests.faults import Worker, wait_until
from tests.servers import database_url

pytestmark = pytest.mark.django_db(transaction=True)

WARNING = "Staff emails are not going out: the mail server answered"


def test_a_refusing_mail_server_is_on_the_dashboard_within_two_minutes_in_its_own_words(
    admin_client, smtp_server, settings
):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    worker = Worker(
        environment={
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "EMAIL_TIMEOUT": "2",
            "CONSULTATION_NOTIFY_EMAILS": "intake@example.org",
            "NOTIFICATION_RETRY_BASE_SECONDS": "2",
            "NOTIFICATION_SWEEP_SECONDS": "1",
        }
    )
    worker.start()
    try:
        smtp_server.reply_to_rcpt = "451 4.3.2 System not accepting network messages"
        stored_request(phone="+12075550101")
        notification = StaffNotification.objects.get()
        wait_until(lambda: StaffNotification.objects.get().attempts >= 1, timeout=60, what="the first attempt")
        first_failure = time.monotonic()
        wait_until(lambda: WARNING in admin_client.get("/admin/").content.decode(), timeout=120, what="the warning")
        warned_after = time.monotonic() - first_failure
        dashboard = admin_client.get("/admin/").content.decode()
        assert "“451 4.3.2 System not accepting network messages”" in dashboard
        assert warned_after < 120
        print(f"\nmail refused: warned {warned_after:.1f} s after the first failed send")

        smtp_server.stop()  # now it refuses connections: the answer shown follows
        wait_until(
            lambda: "ConnectionRefusedError" in admin_client.get("/admin/").content.decode(),
            timeout=60,
            what="the refused connection on the dashboard",
        )
        smtp_server.start()
        smtp_server.reply_to_rcpt = "250 OK"
        wait_until(
            lambda: StaffNotification.objects.get(pk=notification.pk).status == NotificationStatus.SENT,
            timeout=90,
            what="the email to go out once the server answers",
        )
        assert WARNING not in admin_client.get("/admin/").content.decode()
        assert len(smtp_server.received) == 1
    finally:
        worker.stop()
