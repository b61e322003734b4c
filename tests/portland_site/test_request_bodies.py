"""Bodies nothing on the public site needs are refused before they are read (issue 13, item 10), and a staff
member's bodies are capped by form (issue 22, item 15)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from consultations.models import ConsultationRequest
from tests.conftest import sign_in_staff
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


def test_signed_in_staff_may_send_small_files_to_the_admin(admin_client):
    small = SimpleUploadedFile("small.bin", b"\0" * 100_000, content_type="application/octet-stream")
    response = admin_client.post("/admin/consultations/consultationrequest/search/", {"q": "x", "upload": small})
    assert response.status_code == 303


# Issue 22, item 15: a staff member's request is capped too, by form.


@pytest.fixture
def staff_checked_for_csrf(admin_user):
    """A signed-in superuser whose requests face the CSRF check, as a browser's do."""
    return sign_in_staff(Client(enforce_csrf_checks=True), admin_user)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/consultations/consultationrequest/search/",
        "/admin/consultations/consultationrequest/add/",
        "/admin/clinic/contactdetails/1/change/",
        "/admin/logout/",
    ],
)
def test_a_staff_body_over_the_forms_limit_is_refused_before_the_csrf_check_reads_it(staff_checked_for_csrf, url):
    response = staff_checked_for_csrf.post(url, {"q": "x"}, CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 400 and REFUSED in response.content.decode()


def test_the_photo_form_refuses_a_body_over_its_10_mb_with_a_clear_page(staff_checked_for_csrf):
    response = staff_checked_for_csrf.post(
        reverse("admin:clinic_teammember_add"), {"name": "x"}, CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "larger than 10 MB" in response.content.decode()


def test_the_photo_form_takes_a_photo_over_the_other_forms_limit(admin_client):
    from tests.clinic.test_photos import member_form

    image = Image.effect_noise((900, 900), 100).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 256 * 1024
    response = admin_client.post(reverse("admin:clinic_teammember_add"), member_form(buffer.getvalue()))
    assert response.status_code == 302
