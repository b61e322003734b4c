import secrets

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from consultations.services import submit_request


def stored_request(**overrides):
    """A request stored through the service, with plausible answers."""
    details = {
        "name": "Sam",
        "phone": "+12075550142",
        "call_times": ["mornings"],
        "voicemail_ok": True,
        "email": "",
        "request_for": "myself",
        "message": "",
        "submission_token": secrets.token_urlsafe(16),
    }
    details.update(overrides)
    return submit_request(**details)


ADMIN = "/admin/consultations/consultationrequest/"
STAFF_PASSWORD = "a-long-test-password"  # noqa: S105


def staff_member(username: str, *groups: str, is_staff: bool = True):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", STAFF_PASSWORD, is_staff=is_staff)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def intake(db):
    return staff_member("intake", "Intake staff")


@pytest.fixture
def manager(db):
    return staff_member("manager", "Clinic manager")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def intake_client(intake):
    return signed_in(intake)


@pytest.fixture
def manager_client(manager):
    return signed_in(manager)
