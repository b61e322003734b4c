"""The two staff roles and what each may do: the one place their permissions are written.

Each role is a group of that name whose permissions are made exactly these by `sync_roles`, which runs after
every `migrate` (`portland_site.apps`): a permission added here is granted on the next deploy, one taken out is
taken back, and a change made to the group in the admin lasts only until then. A single member of staff can
still be given one more permission of their own in the admin (a superuser can). The email queue finds "Intake
staff" by name, so the names are part of the contract.

Permissions are named as `user.has_perm` names them, "<app label>.<codename>", so this module imports no app.
"""

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q

INTAKE_STAFF = "Intake staff"
CLINIC_MANAGER = "Clinic manager"


def _each(app_label: str, actions: tuple[str, ...], *models: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for model in models for action in actions}


_FACTS = ("contactdetails", "openinghours", "closure", "teammember", "costs", "languagenotice")

# Call attempts and notes are add-only for everyone: they record what happened. Intake staff can neither delete
# nor export nor erase requests; only managers confirm spam, send a failed staff email again, release booked calls
# in bulk, keep the clinic's facts, the articles' reviews and the call capacity, and see the visit figures
# (insights) and the audit logs.
ROLES: dict[str, set[str]] = {
    INTAKE_STAFF: {
        *_each("consultations", ("view", "change"), "consultationrequest"),
        *_each("consultations", ("view", "add"), "callattempt", "note"),
        *_each("consultations", ("view",), "staffnotification", "booking"),
        *_each("clinic", ("view",), *_FACTS, "bookingrules", "callwindow"),
        "pages.view_pagereview",
    },
    CLINIC_MANAGER: {
        *_each("consultations", ("view", "change", "delete", "export", "erase", "confirm_spam"), "consultationrequest"),
        *_each("consultations", ("view", "add"), "callattempt", "note"),
        *_each("consultations", ("view",), "auditentry"),
        *_each("consultations", ("view", "release"), "booking"),
        *_each("consultations", ("view", "resend"), "staffnotification"),
        *_each("clinic", ("view", "add", "change", "delete"), *_FACTS, "callwindow"),
        *_each("clinic", ("view", "change"), "bookingrules"),
        "clinic.view_factchange",
        *_each("pages", ("view", "add", "change", "delete"), "pagereview"),
        "insights.view_marketing_figures",
    },
}


def role_permissions(role: str, *, using: str = DEFAULT_DB_ALIAS) -> list[Permission]:
    """The permissions ROLES gives `role` that exist in the database (a model's come with its migration)."""
    wanted = Q()
    for name in ROLES[role]:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.using(using).filter(wanted))


def sync_roles(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make each role's group exist with exactly the permissions ROLES gives it."""
    with transaction.atomic(using=using):
        for role in ROLES:
            group, _ = Group.objects.using(using).get_or_create(name=role)
            group.permissions.set(role_permissions(role, using=using))


def sync_roles_after_migrate(sender: AppConfig, *, using: str, apps=global_apps, **kwargs) -> None:
    """post_migrate comes once for each app with models; on the last one the roles are synced. The apps the roles
    name get their permissions first: Django makes an app's only after this receiver has run for it. A test's
    flush sends it too, without `apps`."""
    if sender is not [config for config in global_apps.get_app_configs() if config.models_module][-1]:
        return
    for app_label in {name.split(".", 1)[0] for names in ROLES.values() for name in names}:
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)
    sync_roles(using=using)
