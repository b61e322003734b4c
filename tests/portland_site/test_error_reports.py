"""A failed page is reported to the people who run the site, without personal data: by email to ADMINS through
the outbox, and to an error tracker (sentry-sdk) when one is configured (issue 27.9)."""

import json
from unittest import mock

import pytest
import sentry_sdk
from django.core import mail
from django.test import Client
from sentry_sdk.transport import Transport

from consultations.models import NotificationKind, StaffNotification
from portland_site.error_reports import scrub_event, start_error_tracker
from tests.consultations.conftest import FORM_URL
from tests.consultations.notifications.conftest import run_queued_tasks
from tests.factories import valid_answers

NAME, PHONE, EMAIL = "Zoë Quintanilla", "(207) 555-0142", "zoe.q@example.org"
TOKEN = "Xk3v9QpL2mN8rT5wY7zB4cD6fG1hJ0sA"
SECRETS = [NAME, "Quintanilla", "207", "555-0142", "5550142", EMAIL, TOKEN, "utm_campaign", "sessionid-value"]


def failing_submission():
    """The form sent with a name, phone and email, a query string and a cookie; storing it fails with a database
    error that quotes the values, as PostgreSQL's DETAIL does."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "sessionid-value"
    error = RuntimeError(
        f"duplicate key value\nDETAIL:  Key (name, phone)=({NAME}, +12075550142) already exists; {EMAIL}"
    )
    with mock.patch("consultations.views.submit_request", side_effect=error):
        response = client.post(
            f"{FORM_URL}?utm_campaign=spring",
            valid_answers(name=NAME, phone=PHONE, email=EMAIL, message=f"Call {PHONE} or /your-call/{TOKEN}/"),
        )
    assert response.status_code == 500


def assert_nothing_personal(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_scrubber_removes_names_phones_emails_and_private_link_tokens():
    event = {
        "request": {
            "url": f"https://www.example.org/request-a-call-back/your-call/{TOKEN}/?utm_campaign=spring",
            "method": "POST",
            "data": {"name": NAME, "phone": PHONE, "email": EMAIL},
            "cookies": {"sessionid": "sessionid-value"},
            "query_string": "utm_campaign=spring",
            "headers": {"Cookie": "sessionid=sessionid-value", "Referer": f"https://x.example/your-call/{TOKEN}/"},
            "env": {"REMOTE_ADDR": "203.0.113.5"},
        },
        "user": {"email": EMAIL, "ip_address": "203.0.113.5"},
        "extra": {"name": NAME},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": f"Key (name, phone)=({NAME}, {PHONE}) exists\nFailing row contains ({NAME}, {EMAIL})",
                    "stacktrace": {"frames": [{"function": "submit", "vars": {"name": NAME, "phone": PHONE}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": f"sent to {EMAIL} at +1 207 555 0142", "data": {"name": NAME}}]},
        "logentry": {"message": f"Not Found: /request-a-call-back/your-call/{TOKEN}/"},
    }
    scrubbed = json.dumps(scrub_event(event, {}), ensure_ascii=False)
    assert_nothing_personal(scrubbed)
    assert "IntegrityError" in scrubbed and "/request-a-call-back/your-call/" in scrubbed, "what helps is kept"


class Captured(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope.serialize().decode(errors="replace"))


@pytest.fixture
def error_tracker():
    transport = Captured()
    start_error_tracker("https://public@errors.example/1", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    # Off again for the other tests: no DSN, and no integration, so the hooks sentry-sdk leaves in Django for the
    # rest of the process find none and step aside (with its Django integration still on, a later request that
    # met a locked session table waited its statement timeout again and again).
    sentry_sdk.init(default_integrations=False, auto_enabling_integrations=False)


def test_a_500_reaches_the_error_tracker_without_personal_data(db, error_tracker):
    assert sentry_sdk.get_client().options["send_default_pii"] is False
    failing_submission()
    sentry_sdk.flush()
    sent = "\n".join(error_tracker.envelopes)
    assert "RuntimeError" in sent, "the error was reported"
    assert_nothing_personal(sent)


def test_a_500_is_emailed_to_admins_through_the_outbox_without_personal_data(
    db, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("webmaster@example.org", "webmaster@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        failing_submission()
        failing_submission()  # the same error again within the hour: no second email
    report = StaffNotification.objects.get(kind=NotificationKind.ERROR_REPORT)
    assert report.recipient == "webmaster@example.org"
    run_queued_tasks()
    [email] = mail.outbox
    text = f"{email.subject}\n{email.body}\n{email.alternatives[0][0]}"
    assert "POST /request-a-call-back/" in text and "builtins.RuntimeError" in text and "consultations/views.py" in text
    assert_nothing_personal(text)


def test_no_report_without_admins(db, settings):
    settings.ADMINS = []
    failing_submission()
    assert not StaffNotification.objects.filter(kind=NotificationKind.ERROR_REPORT).exists()
