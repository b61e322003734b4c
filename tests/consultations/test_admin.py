import pytest
from django.contrib.auth import get_user_model

from consultations.models import ConsultationRequest, SpamReason, Status
from tests.consultations.conftest import stored_request

pytestmark = pytest.mark.django_db
ADMIN = "/admin/consultations/consultationrequest/"


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("manager", "manager@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_staff_see_the_queue_spam_included(staff_client):
    real = stored_request(name="Zoë", phone="+12075550187")
    spam = stored_request(name="Bot", spam_reason=SpamReason.HONEYPOT)
    listing = staff_client.get(ADMIN).content.decode()
    for request in (real, spam):
        assert request.reference_display in listing
    assert "(207) 555-0187" in listing
    spam_only = staff_client.get(ADMIN, {"status__exact": Status.SPAM}).content.decode()
    assert spam.reference_display in spam_only and real.reference_display not in spam_only


def test_a_request_page_shows_the_details_read_only(staff_client):
    request = stored_request(name="Zoë", phone="+442079460958", call_times=["mornings", "evenings"])
    response = staff_client.get(f"{ADMIN}{request.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "+44 20 7946 0958" in content
    assert "Weekday mornings, Weekday evenings" in content
    assert 'name="name"' not in content, "no editable inputs"
    assert 'type="submit" value="Save' not in content


def test_staff_cannot_add_change_or_delete_here(staff_client):
    request = stored_request()
    assert staff_client.get(f"{ADMIN}add/").status_code == 403
    staff_client.post(f"{ADMIN}{request.pk}/change/", {"name": "Changed", "status": Status.CLOSED})
    assert staff_client.get(f"{ADMIN}{request.pk}/delete/").status_code == 403
    request.refresh_from_db()
    assert (request.name, request.status) == ("Sam", Status.NEW)
    assert ConsultationRequest.objects.count() == 1
