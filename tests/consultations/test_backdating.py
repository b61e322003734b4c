"""A call attempt's time lies between the request's arrival and now; the timeline and the audit trail take the
server's time (issue 13, item 5)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations.models import AuditEntry, CallAttempt, CallOutcome, Status, StatusChange
from consultations.services import record_call_attempt
from tests.consultations.test_triage_admin import change_url, form_data
from tests.factories import stored_request

pytestmark = pytest.mark.django_db


def _with_attempt_at(data: dict, moment) -> dict:
    local = timezone.localtime(moment)
    return {
        **data,
        "call_attempts-0-outcome": CallOutcome.NO_ANSWER,
        "call_attempts-0-attempted_at_0": f"{local:%Y-%m-%d}",
        "call_attempts-0-attempted_at_1": f"{local:%H:%M:%S}",
    }


@pytest.mark.parametrize("moment", ["2020", "before it arrived", "tomorrow"])
def test_the_admin_refuses_a_call_attempt_outside_the_requests_life(intake_client, moment):
    request = stored_request(now=timezone.now() - timedelta(days=2))
    when = {
        "2020": timezone.now().replace(year=2020),
        "before it arrived": request.created_at - timedelta(hours=1),
        "tomorrow": timezone.now() + timedelta(days=1),
    }[moment]
    data = form_data(intake_client.get(change_url(request)))
    response = intake_client.post(change_url(request), _with_attempt_at(data, when))
    assert response.status_code == 200
    assert "between when the request arrived and now" in response.content.decode()
    assert not CallAttempt.objects.exists() and not StatusChange.objects.exists()
    assert not AuditEntry.objects.exclude(action="viewed").exists()


def test_the_service_refuses_it_too(intake):
    request = stored_request()
    with pytest.raises(ValidationError):
        record_call_attempt(
            consultation_request=request,
            by=intake,
            outcome=CallOutcome.NO_ANSWER,
            attempted_at=timezone.now().replace(year=2020),
        )
    assert not CallAttempt.objects.exists()


def test_a_call_recorded_late_keeps_its_time_but_the_timeline_and_audit_take_the_servers(intake):
    request = stored_request(now=timezone.now() - timedelta(days=2))
    called_at = timezone.now() - timedelta(days=1)
    before = timezone.now()
    attempt = record_call_attempt(
        consultation_request=request, by=intake, outcome=CallOutcome.NO_ANSWER, attempted_at=called_at
    )
    assert attempt.attempted_at == called_at
    change = StatusChange.objects.get()
    assert change.to_status == Status.ATTEMPTING_CONTACT and change.changed_at >= before
    request.refresh_from_db()
    assert request.first_contacted_at >= before
    assert all(entry.at >= before for entry in AuditEntry.objects.all())
