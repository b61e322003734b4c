import secrets
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from consultations.forms import FORM_TOKEN_FIELD, issue_form_token
from consultations.services import submit_request
from tests.conftest import sign_in_staff

FORM_URL = "/request-a-call-back/"
THANKS_URL = "/request-a-call-back/thanks/"


def opened_form_token(seconds_ago: float = 30) -> str:
    """A form token as if the page had been opened `seconds_ago` (no test waits out the minimum fill time)."""
    return issue_form_token(now=timezone.now() - timedelta(seconds=seconds_ago))


def valid_answers(**overrides) -> dict:
    answers = {
        "name": "  Zoë  ",
        "phone": "(207) 555-0142",
        "call_times": ["mornings", "evenings"],
        "voicemail_ok": "no",
        "email": "zoe@example.org",
        "request_for": "myself",
        "message": "Mornings are best, before 10.",
        "agree_to_privacy_notice": "on",
        "website": "",
        FORM_TOKEN_FIELD: opened_form_token(),
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


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
    return sign_in_staff(Client(), user)


@pytest.fixture
def intake_client(intake):
    return signed_in(intake)


@pytest.fixture
def manager_client(manager):
    return signed_in(manager)


def search_queue(client, term: str, **filters):
    """Search the queue as the search box does (by POST; the term is never in a URL) and follow to the list."""
    filters_query = "&".join(f"{name}={value}" for name, value in filters.items())
    return client.post(f"{ADMIN}search/", {"q": term, "filters": filters_query}, follow=True)
