"""The staff roles come from one registry (portland_site/roles.py), synced after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from portland_site.roles import CLINIC_MANAGER, INTAKE_STAFF, ROLES, role_permissions

pytestmark = pytest.mark.django_db


def granted(role: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_permission_the_registry_names_exists_and_the_role_has_exactly_those(role):
    assert len(role_permissions(role)) == len(ROLES[role])
    assert granted(role) == ROLES[role]


def test_migrate_puts_back_what_the_registry_says():
    intake = Group.objects.get(name=INTAKE_STAFF)
    intake.permissions.remove(Permission.objects.get(codename="view_consultationrequest"))
    intake.permissions.add(Permission.objects.get(codename="delete_consultationrequest"))
    Group.objects.filter(name=CLINIC_MANAGER).delete()

    call_command("migrate", verbosity=0)

    assert granted(INTAKE_STAFF) == ROLES[INTAKE_STAFF]
    assert granted(CLINIC_MANAGER) == ROLES[CLINIC_MANAGER]
