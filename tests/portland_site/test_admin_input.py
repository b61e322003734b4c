"""Odd input to the staff admin gets a clean 400, never a 500 (issue 13, item 12)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/consultations/consultationrequest/?status=%00",
        "/admin/consultations/consultationrequest/?status=all&assigned=me%00",
        "/admin/consultations/auditentry/?action=viewed%00",
        "/admin/consultations/staffnotification/?status=%00failed",
        "/admin/consultations/auditentry/?q=%00",
        "/admin/consultations/consultationrequest/1%00/change/",
    ],
)
def test_a_nul_byte_in_an_admin_url_is_a_clean_400(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_a_nul_byte_in_an_admin_form_is_a_clean_400(admin_client):
    response = admin_client.post("/admin/consultations/consultationrequest/search/", {"q": "Zo\x00"})
    assert response.status_code == 400
