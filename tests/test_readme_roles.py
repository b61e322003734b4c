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
