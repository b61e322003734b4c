"""Bodies nothing on the public site needs are refused before they are read (issue 13, item 10)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.models import ConsultationRequest
from tests.consultations.conftest import FORM_URL
from tests.factories import valid_answers

pytestmark = pytest.mark.django_db
REFUSED = "We could not read that request"


def a_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.bin", b"\0" * 300_000, content_type="application/octet-stream")


def test_a_file_sent_with_the_call_back_form_is_refused(client):
    response = client.post(FORM_URL, {**valid_answers(), "attachment": a_file()})
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not ConsultationRequest.objects.exists()


def test_a_file_sent_to_the_sign_in_page_is_refused(client):
    response = client.post(reverse("admin:login"), {"username": "a", "password": "b", "upload": a_file()})
    assert response.status_code == 400 and REFUSED in response.content.decode()


def test_a_body_announced_as_too_large_is_refused_before_it_is_read(client):
    response = client.post(FORM_URL, valid_answers(), CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not ConsultationRequest.objects.exists()


def test_the_form_itself_still_goes_through(client):
    assert client.post(FORM_URL, valid_answers()).status_code == 303


def test_signed_in_staff_may_still_send_files_to_the_admin(admin_client):
    # The clinic's facts (photos of the team) are uploaded there.
    response = admin_client.post("/admin/consultations/consultationrequest/search/", {"q": "x", "upload": a_file()})
    assert response.status_code == 303
