"""What staff can read of a request in the admin, and that every such read is in the audit trail (issue 13)."""

import pytest

from consultations.models import AuditAction, AuditEntry
from tests.consultations.conftest import ADMIN, stored_request
from tests.consultations.test_triage_admin import change_url, form_data, listed

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.mark.parametrize(
    "lookup",
    [
        "message__icontains=clonazepam",
        "phone__startswith=%2B1207",
        "name__regex=^Z",
        "email__contains=example",
        "duplicate_of__name=Zo%C3%AB",
        "assigned_to__password__startswith=pbkdf2",
    ],
)
def test_the_list_takes_only_the_filters_it_offers(intake_client, lookup):
    stored_request(name="Zoë", phone="+12075550187", email="zoe@example.org", message="clonazepam taper")
    response = intake_client.get(f"{ADMIN}?status=all&{lookup}")
    assert response.status_code == 400
    assert b"Zo\xc3\xab" not in response.content


def test_the_offered_filters_still_work(intake_client):
    wanted = stored_request()
    for query in ("status=all", "assigned=nobody", "overdue=no"):
        assert listed(intake_client.get(f"{ADMIN}?{query}")) == [str(wanted)], query


def test_the_admin_autocomplete_never_answers_for_requests(intake_client):
    stored_request(name="Zoë")
    for source in ("consultationrequest&field_name=duplicate_of", "callattempt&field_name=consultation_request"):
        response = intake_client.get(f"{AUTOCOMPLETE}?app_label=consultations&model_name={source}&term=Zo")
        assert response.status_code == 403, source
        assert b"Zo" not in response.content


def test_an_invalid_post_to_a_request_page_is_audited_as_a_view(intake_client, intake):
    request = stored_request(name="Zoë")
    data = form_data(intake_client.get(change_url(request)))
    AuditEntry.objects.all().delete()
    data["status"] = "not-a-status"
    response = intake_client.post(change_url(request), data)
    assert response.status_code == 200 and "Zoë" in response.content.decode()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.references) == (intake, AuditAction.VIEWED, str(request))


def search(client, term: str, **filters):
    return client.get(ADMIN, {**filters, "q": term})


def test_a_search_is_audited_with_its_results_never_its_terms(intake_client, intake):
    wanted = stored_request(name="Zoë", phone="+12075550187")
    stored_request(name="Sam")
    response = search(intake_client, "Zoë", status="all")
    assert listed(response) == [str(wanted)]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.references, entry.row_count) == (
        intake,
        AuditAction.SEARCHED,
        str(wanted),
        1,
    )
    assert "Zo" not in entry.detail and "1 result" in entry.detail


def test_the_list_without_a_search_writes_no_audit_entry(intake_client):
    stored_request()
    intake_client.get(ADMIN)
    assert not AuditEntry.objects.exists()
