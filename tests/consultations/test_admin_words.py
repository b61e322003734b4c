"""The words staff read in the admin: History names what was added, and no Django stock phrases staff trip over."""

from datetime import UTC, datetime, time

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from clinic.models import CallWindow
from consultations.models import AuditAction, AuditEntry, CallOutcome
from tests.consultations.conftest import ADMIN, soup
from tests.consultations.test_triage_admin import change_url, form_data
from tests.factories import stored_request

pytestmark = pytest.mark.django_db


def test_history_names_the_call_attempt_and_the_note_added_not_none(intake_client):
    request = stored_request()
    data = form_data(intake_client.get(change_url(request)))
    now = timezone.localtime()
    data.update(
        {
            "call_attempts-0-outcome": CallOutcome.NO_ANSWER,
            "call_attempts-0-attempted_at_0": f"{now:%Y-%m-%d}",
            "call_attempts-0-attempted_at_1": f"{now:%H:%M}",
            "notes-0-text": "Try after six.",
        }
    )
    assert intake_client.post(change_url(request), data).status_code == 302
    [entry] = LogEntry.objects.filter(object_id=str(request.pk))
    message = entry.get_change_message()
    assert "None" not in message
    assert "No answer" in message and "Try after six." not in message
    history = soup(intake_client.get(f"{ADMIN}{request.pk}/history/")).get_text(" ")
    assert "#None" not in history and "No answer" in history


def test_signing_out_says_so_without_a_quip(intake_client):
    page = soup(intake_client.post("/admin/logout/"))
    text = page.get_text(" ")
    assert "You are signed out" in text
    assert "quality time" not in text.lower()
    assert page.title.get_text(strip=True).startswith("Signed out")


def test_records_staff_may_see_in_messages_write_times_as_the_admin_does():
    window = CallWindow(weekday=0, starts=time(10), ends=time(14, 30))
    assert str(window) == "Monday 10 am–2:30 pm"
    entry = AuditEntry(action=AuditAction.VIEWED, row_count=1, at=datetime(2026, 12, 7, 14, 5, 9, tzinfo=UTC))
    assert str(entry) == "Viewed 1 at Dec 7, 2026, 9:05 AM"
