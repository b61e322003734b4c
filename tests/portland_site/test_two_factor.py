"""Admin sign-in needs a password and a code from an authenticator app whenever DJANGO_DEBUG is off."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import STAFF_PASSWORD, staff_member
from tests.portland_site.conftest import current_code


def errors(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(note.get_text(" ", strip=True) for note in soup.select(".errornote, .errorlist"))


def test_the_test_settings_are_production_settings_with_two_factor_on():
    assert not settings.DEBUG
    assert settings.ADMIN_TWO_FACTOR


def test_sign_in_form_asks_for_the_code(client, db):
    response = client.get(reverse("admin:login"))
    soup = BeautifulSoup(response.content, "html.parser")
    code = soup.select_one("input[name=otp_token]")
    assert code["autocomplete"] == "one-time-code"
    assert code["inputmode"] == "numeric"
    assert soup.find("label", attrs={"for": code["id"]}).get_text(strip=True).startswith("Code from your authenticator")
    assert not soup.select("[style], style, script:not([src])")


def test_password_alone_does_not_get_in(client, device, sign_in):
    response = sign_in()
    assert response.status_code == 200
    assert "the code from your authenticator app is not right" in errors(response)
    assert client.get(reverse("admin:index")).status_code == 302


def test_password_and_current_code_get_in(client, device, sign_in):
    response = sign_in(code=current_code(device))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_code_does_not_get_in(client, device, sign_in):
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = sign_in(code=wrong)
    assert response.status_code == 200
    assert "the code from your authenticator app is not right" in errors(response)
    assert client.get(reverse("admin:index")).status_code == 302


def test_right_code_with_wrong_password_does_not_get_in(client, device, sign_in):
    response = sign_in(password="not the password", code=current_code(device))
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_account_without_an_authenticator_is_told_what_to_do_in_the_one_answer(sign_in, staff_user):
    response = sign_in(code="123456")
    assert response.status_code == 200
    assert "An account without an authenticator app cannot sign in" in errors(response)


def test_unconfirmed_or_other_users_devices_do_not_count(sign_in, staff_user):
    TOTPDevice.objects.create(user=staff_user, name="half set up", confirmed=False)
    bob = staff_member("bob")
    bobs = TOTPDevice.objects.create(user=bob, name="Bob's phone", confirmed=True)
    response = sign_in(code=current_code(bobs), otp_device=bobs.persistent_id)
    assert response.status_code == 200


def test_staff_with_two_authenticators_sign_in_with_either(client, staff_user, sign_in):
    TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
    tablet = TOTPDevice.objects.create(user=staff_user, name="Tablet", confirmed=True)
    response = sign_in(code=current_code(tablet))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_signed_in_without_a_code_is_treated_as_not_staff(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_client_fixture_is_past_two_factor(admin_client):
    assert admin_client.get(reverse("admin:index")).status_code == 200


@pytest.mark.usefixtures("staff_user")
def test_with_two_factor_off_the_password_is_enough(client, sign_in, settings):
    settings.ADMIN_TWO_FACTOR = False
    assert "otp_token" not in client.get(reverse("admin:login")).content.decode()
    response = sign_in()
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_never_shows_an_authenticators_secret(admin_client, device):
    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert 'name="key"' not in change.content.decode()
    config = admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    assert config.status_code == 403


def _masked(response) -> bytes:
    """The page with its CSRF tokens (which differ on every answer) blanked out."""
    return re.sub(rb'(name="csrfmiddlewaretoken" value=)"[^"]*"', rb'\1""', response.content)


def _wrong_code(device) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def test_a_right_password_with_a_wrong_code_answers_byte_for_byte_as_a_wrong_one(client, device, sign_in):
    right = sign_in(code=_wrong_code(device))
    wrong = sign_in(password="not the password", code=_wrong_code(device))
    assert right.status_code == wrong.status_code == 200
    assert STAFF_PASSWORD.encode() not in right.content
    assert _masked(right) == _masked(wrong)


def test_a_right_password_of_an_account_with_two_authenticators_is_not_told_apart_either(client, staff_user, sign_in):
    phone = TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
    TOTPDevice.objects.create(user=staff_user, name="Tablet", confirmed=True)
    right = sign_in(code=_wrong_code(phone))
    wrong = sign_in(password="not the password", code=_wrong_code(phone))
    assert b"Tablet" not in right.content
    assert _masked(right) == _masked(wrong)
