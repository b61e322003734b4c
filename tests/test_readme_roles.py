"""What README.md says staff may do in the admin is what the roles allow (issue 13, item 18)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def sentences_about(*subjects: str) -> list[str]:
    text = " ".join((settings.BASE_DIR / "README.md").read_text().split())
    return [sentence for sentence in re.split(r"(?<=[.)])\s+(?=[A-Z(])", text) if any(s in sentence for s in subjects)]


def test_only_superusers_are_said_to_delete_devices_and_access_attempts():
    about = [s for s in sentences_about('"TOTP devices"', '"Access attempts"') if "delete" in s]
    assert len(about) == 2
    for sentence in about:
        assert "superuser" in sentence and "manager can" not in sentence and "Managers can" not in sentence
    for role in ("Clinic manager", "Intake staff"):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert not codenames & {"delete_accessattempt", "delete_totpdevice", "view_accessattempt", "view_totpdevice"}


# Issue 22, item 16: who creates staff accounts and grants the figures permission.
ACCOUNT_PERMISSIONS = {
    f"{action}_{model}" for action in ("add", "change", "delete") for model in ("user", "group", "permission")
}


def test_only_superusers_are_said_to_create_staff_and_grant_the_figures_permission():
    about = sentences_about("Can see visit, referrer and campaign figures", "Create the account", "staff account")
    assert about, "README says who creates staff accounts and grants the figures permission"
    for sentence in about:
        assert "superuser" in sentence or "Clinic manager group has" in sentence, sentence
        assert not re.search(r"\bmanagers? (can|may) (give|grant|create|add)", sentence), sentence
    # Not "createsuperuser for the first manager": the manager's everyday account stays in its role.
    assert not sentences_about("createsuperuser` for the first manager")


def test_neither_role_may_create_staff_or_change_anyones_permissions():
    for role in ("Clinic manager", "Intake staff"):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert not codenames & ACCOUNT_PERMISSIONS, role
