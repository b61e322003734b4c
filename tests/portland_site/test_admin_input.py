"""Odd input to the staff admin and the public pages gets a clean 400, never a 500 (issue 13, item 12; issue 22,
item 8)."""

import pytest

from tests.factories import valid_answers

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_an_admin_form_is_a_clean_400(admin_client):
    response = admin_client.post("/admin/consultations/consultationrequest/search/", {"q": "Zo\x00"})
    assert response.status_code == 400


ADMIN_URLS = [
    "/admin/consultations/consultationrequest/?status=%00",
    "/admin/consultations/consultationrequest/?status=all&assigned=me%00",
    "/admin/consultations/auditentry/?action=viewed%00",
    "/admin/consultations/staffnotification/?status=%00failed",
    "/admin/consultations/auditentry/?q=%00",
    "/admin/consultations/consultationrequest/1%00/change/",
]


@pytest.mark.parametrize(
    "url",
    [
        *ADMIN_URLS,
        "/photos/%00",
        "/photos/abc%00.webp",
        "/?utm_source=%00",
        "/request-a-call-back/?x=%00",
        "/benzodiazepines/%00/",
        "/request-a-call-back/thanks/phone-call.ics?%00",
    ],
)
def test_a_nul_byte_in_any_url_is_the_sites_400_page(admin_client, client, url):
    response = (admin_client if url in ADMIN_URLS else client).get(url)
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


@pytest.mark.parametrize("field", ["name", "message", "email", "phone", "\x00name"])
def test_a_nul_byte_in_the_public_form_is_the_sites_400_page(client, field):
    answers = valid_answers()
    answers[field] = "Zo\x00ë"
    response = client.post("/request-a-call-back/", answers)
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
