import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import STAFF_PASSWORD, staff_member

PASSWORD = STAFF_PASSWORD


@pytest.fixture
def staff_user(db):
    return staff_member("alice", is_superuser=True)


@pytest.fixture
def device(staff_user):
    return TOTPDevice.objects.create(user=staff_user, name="Alice's phone", confirmed=True)


def current_code(device) -> str:
    """The code the staff member's authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.fixture
def sign_in(client):
    """POST the admin sign-in form; returns the response."""

    def post(username="alice", password=PASSWORD, code=None, csrfmiddlewaretoken=None, **extra):
        data = {"username": username, "password": password, "next": reverse("admin:index")}
        if code is not None:
            data["otp_token"] = code
        if csrfmiddlewaretoken is not None:
            data["csrfmiddlewaretoken"] = csrfmiddlewaretoken
        return client.post(reverse("admin:login"), data, **extra)

    return post
