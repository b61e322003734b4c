"""What tests make: staff members, stored call-back requests and the answers a person sends in the form."""

import secrets
from collections.abc import Collection
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from consultations.forms import FORM_TOKEN_FIELD, issue_form_token
from consultations.services import submit_request

STAFF_PASSWORD = "a-long-test-password"  # noqa: S105


def staff_member(
    username: str,
    *groups: str,
    email: str | None = None,
    is_active: bool = True,
    is_staff: bool = True,
    is_superuser: bool = False,
    permissions: Collection[str] = (),
):
    """A member of staff with STAFF_PASSWORD, in `groups` (the roles' groups come from portland_site/roles.py; another
    group is made, without permissions) and with `permissions` (codenames).
    The email address is username@example.org unless given ("" for none)."""
    user = get_user_model().objects.create_user(
        username,
        f"{username}@example.org" if email is None else email,
        STAFF_PASSWORD,
        is_active=is_active,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return user


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


def opened_form_token(seconds_ago: float = 30) -> str:
    """A form token as if the page had been opened `seconds_ago` (no test waits out the minimum fill time)."""
    return issue_form_token(now=timezone.now() - timedelta(seconds=seconds_ago))


def valid_answers(**overrides) -> dict:
    """The call-back form as a person fills it in; an override of None leaves that field out."""
    answers = {
        "name": "  Zoë  ",
        "phone": "(207) 555-0142",
        "call_times": ["mornings", "afternoons"],
        "voicemail_ok": "no",
        "email": "zoe@example.org",
        "request_for": "myself",
        "message": "Mornings are best, before 10.",
        "website": "",
        FORM_TOKEN_FIELD: opened_form_token(),
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}
