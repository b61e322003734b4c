"""What staff can read of a request in the admin, and that every such read is in the audit trail (issue 13)."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.sessions.models import Session
from django.utils import timezone

from consultations import services
from consultations.models import AuditAction, AuditEntry, ConsultationRequest, Status
from consultations.services import change_status
from tests.consultations.conftest import ADMIN, search_queue
from tests.consultations.test_triage_admin import change_url, form_data, listed
from tests.factories import stored_request

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


def test_a_search_is_audited_with_its_results_never_its_terms(intake_client, intake):
    wanted = stored_request(name="Zoë", phone="+12075550187")
    stored_request(name="Sam")
    response = search_queue(intake_client, "Zoë", status="all")
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


# Search terms stay out of URLs (item 14)


def test_a_search_never_puts_the_term_in_a_url(intake_client):
    wanted = stored_request(name="Zoë", phone="+12075550187")
    stored_request(name="Sam")
    response = search_queue(intake_client, "207 555 0187", status="all")
    assert listed(response) == [str(wanted)]
    (list_url, _status), *_ = response.redirect_chain
    assert "0187" not in list_url and "status=all" in list_url and "search=" in list_url
    html = response.content.decode()
    links = [link["href"] for link in BeautifulSoup(html, "html.parser").find_all("a", href=True)]
    assert links and not [link for link in links if "0187" in link or "q%3D" in link or "q=" in link]
    # The preserved filters of the request page and of its "back to the list" carry the search's id only.
    change = intake_client.get(next(link for link in links if f"/{wanted.pk}/change/" in link))
    assert "0187" not in change.content.decode().replace(wanted.phone, "").replace("(207) 555-0187", "")


def test_a_search_id_works_in_its_own_session_for_the_latest_five_searches(intake_client, manager_client):
    wanted = stored_request(name="Zoë")
    other = stored_request(name="Sam")
    (list_url, _status), *_ = search_queue(intake_client, "Zoë").redirect_chain
    assert listed(manager_client.get(list_url)) == [str(wanted), str(other)]
    for _ in range(4):
        search_queue(intake_client, "Sam")
    assert listed(intake_client.get(list_url)) == [str(wanted)]
    search_queue(intake_client, "Sam")
    assert listed(intake_client.get(list_url)) == [str(wanted), str(other)]


def _stored_session(client) -> str:
    return str(Session.objects.get(session_key=client.session.session_key).get_decoded())


def test_a_search_keeps_only_the_matched_requests_in_the_session_never_the_term(intake_client):
    wanted = stored_request(name="Zoë Quintero", phone="+12075550187")
    stored_request(name="Sam")
    for term in ("Quintero", "207 555 0187", "(207) 555-0187"):
        response = search_queue(intake_client, term, status="all")
        assert listed(response) == [str(wanted)]
        assert "1 result" in response.content.decode()
        session = _stored_session(intake_client)
        for typed in ("Quintero", "Zo", "0187", "555"):
            assert typed not in session
        assert term not in response.content.decode().replace(wanted.name, "")


def test_signing_out_clears_the_searches(intake_client):
    stored_request(name="Zoë Quintero")
    (list_url, _status), *_ = search_queue(intake_client, "Quintero").redirect_chain
    key = intake_client.session.session_key
    intake_client.post("/admin/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not [stored for stored in Session.objects.all() if "consultations_triage_search" in stored.get_decoded()]


def test_a_term_in_the_query_string_is_dropped(intake_client):
    stored_request(name="Zoë")
    response = intake_client.get(f"{ADMIN}?status=all&q=Zo%C3%AB")
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}?status=all"
    assert not AuditEntry.objects.exists()


def test_search_is_post_only(intake_client):
    assert intake_client.get(f"{ADMIN}search/?q=Zoe").status_code == 405


# Erasure reaches the same person's linked requests (item 9)


def _act(client, action, *requests, **extra):
    return client.post(f"{ADMIN}?status=all", {"action": action, "_selected_action": [r.pk for r in requests], **extra})


def test_erasure_lists_the_linked_requests_and_erases_the_ones_chosen(manager_client):
    first = stored_request(name="Zoë", phone="+12075550187", message="Evenings")
    second = stored_request(name="Zoë", phone="+12075550187", message="Evenings again")
    third = stored_request(name="Zoë", phone="+12075550187", message="Still waiting")
    unrelated = stored_request(name="Sam", phone="+12075550142")
    assert second.duplicate_of == first and third.duplicate_of == first
    confirm = _act(manager_client, "erase_selected", second)
    page = BeautifulSoup(confirm.content, "html.parser")
    offered = {box["value"]: box for box in page.select('input[type=checkbox][name="also_erase"]')}
    assert set(offered) == {str(first.pk), str(third.pk)}
    assert not any(box.has_attr("checked") for box in offered.values())
    response = _act(manager_client, "erase_selected", second, confirmed="yes", also_erase=[first.pk, unrelated.pk])
    assert response.status_code == 302
    names = dict(ConsultationRequest.objects.values_list("pk", "name"))
    # The one chosen among the linked requests is erased; one not offered (unrelated) is not, even if posted.
    assert (names[first.pk], names[second.pk], names[third.pk], names[unrelated.pk]) == ("", "", "Zoë", "Sam")
    assert AuditEntry.objects.filter(action=AuditAction.ERASED).count() == 2


def test_erasure_finds_the_same_person_by_phone_and_email_in_every_status_and_through_every_chain(manager_client):
    """Issue 22, item 7: a request linked to another that was linked to the chosen one, a request from the same
    number that is closed or too old to be linked, one from another number with the same email in other case."""
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        long_ago = stored_request(name="Zoë", phone="+12075550187", message="Last winter")
        change_status(consultation_request=long_ago, status=Status.CLOSED)
    chosen = stored_request(name="Zoë", phone="+12075550187", email="zoe@example.org", message="Evenings")
    duplicate = stored_request(name="Zoë", phone="+12075550187", message="Evenings again")
    other_phone = stored_request(name="Zoë", phone="+12075550166", email="ZOE@Example.org", message="My work phone")
    change_status(consultation_request=other_phone, status=Status.SPAM)
    through_chain = stored_request(name="Z", phone="+12075550166", message="Work phone again")
    unrelated = stored_request(name="Sam", phone="+12075550142", email="sam@example.org")
    assert long_ago.duplicate_of is None and duplicate.duplicate_of == chosen

    found = {
        same.consultation_request.pk: same.why
        for same in services.requests_of_the_same_person(consultation_requests=[chosen])
    }
    assert found == {
        long_ago.pk: "the same phone number",
        duplicate.pk: "the same phone number",
        other_phone.pk: "the same email address",
        through_chain.pk: "the same phone number",
    }
    page = BeautifulSoup(_act(manager_client, "erase_selected", chosen).content, "html.parser")
    offered = {box["value"] for box in page.select('input[type=checkbox][name="also_erase"]')}
    assert offered == {str(pk) for pk in found}
    _act(manager_client, "erase_selected", chosen, confirmed="yes", also_erase=list(found))
    remaining = dict(ConsultationRequest.objects.values_list("pk", "message"))
    assert all(remaining[pk] == "" for pk in [chosen.pk, *found])
    sam = ConsultationRequest.objects.get(pk=unrelated.pk)
    assert (sam.name, sam.phone, sam.erased_at) == ("Sam", "+12075550142", None)
