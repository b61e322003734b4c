"""The move of the clinic's facts and the call capacity into `clinic` keeps a live site's data: a database at the
migrations before the move, with rows in every moved table, keeps every row, its staff roles' permissions and the
facts' change history once migrated forward."""

from datetime import date, time
from importlib import import_module

import pytest
from django.contrib.admin.models import CHANGE
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import staff_member

pytestmark = pytest.mark.django_db(transaction=True)

# The leaves before the move; `clinic` did not exist.
BEFORE_THE_MOVE = [("pages", "0002_staff_roles"), ("consultations", "0008_booking"), ("clinic", None)]
# (app before, app after, model) of every model that moved.
MOVED = [
    *(
        ("pages", "clinic", model)
        for model in ("ContactDetails", "OpeningHours", "Closure", "Photo", "PhotoVariant", "TeamMember", "Costs")
    ),
    ("consultations", "clinic", "BookingRules"),
    ("consultations", "clinic", "CallWindow"),
]


def _make_the_roles(apps):
    """The staff roles as main's migrations made them (a transactional test's flush may have emptied them)."""
    import_module("consultations.migrations.0004_staff_groups").create_groups(apps, None)
    import_module("pages.migrations.0002_staff_roles").grant(apps, None)
    import_module("consultations.migrations.0008_booking").grant_permissions(apps, None)


def _migrate(targets):
    """Migrate to `targets`; the models as they are there (with Django's admin log's)."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    nodes = [target for target in targets if target[1] is not None]
    return loader.project_state([*nodes, *loader.graph.leaf_nodes("admin")]).apps


def _record_a_row_of_each(apps):
    model = apps.get_model
    model("pages", "ContactDetails").objects.update_or_create(
        id=1, defaults={"phone": "(207) 555-2368", "address": "12 Harbor View Road"}
    )
    model("pages", "OpeningHours").objects.update_or_create(weekday=5, defaults={"opens": time(9), "closes": time(12)})
    model("pages", "Closure").objects.create(first_day=date(2026, 12, 25), last_day=date(2026, 12, 26), note="Holiday")
    photo = model("pages", "Photo").objects.create(digest="d" * 64, width=320, height=400)
    model("pages", "PhotoVariant").objects.create(
        photo=photo, name="a.jpg", content_type="image/jpeg", width=320, height=400, data=b"jpeg"
    )
    member = model("pages", "TeamMember").objects.create(
        name="Moved Clinician", credentials="MD", role="Doctor", photo=photo, photo_alt="A portrait", published=True
    )
    model("pages", "Costs").objects.update_or_create(id=1, defaults={"first_call": "Free"})
    model("pages", "PageReview").objects.create(
        page_name="withdrawal_symptoms", reviewer=member, reviewed_on=date.today()
    )
    rules, _ = model("consultations", "BookingRules").objects.get_or_create(pk=1)
    model("consultations", "CallWindow").objects.create(
        rules=rules, weekday=2, starts=time(10), ends=time(12), call_minutes=30, places=2
    )


def _counts(apps, app_of) -> dict[str, int]:
    return {model: apps.get_model(app_of(before, after), model).objects.count() for before, after, model in MOVED}


def test_a_database_from_before_the_move_keeps_every_row_permission_and_change_record():
    old = _migrate(BEFORE_THE_MOVE)
    _make_the_roles(old)
    _record_a_row_of_each(old)
    ContentType = old.get_model("contenttypes", "ContentType")
    contact_type = ContentType.objects.get(app_label="pages", model="contactdetails")
    manager = staff_member("moved-manager", "Clinic manager")
    intake = staff_member("moved-intake", "Intake staff")
    old.get_model("admin", "LogEntry").objects.create(
        user_id=manager.pk, content_type=contact_type, object_id="1", object_repr="Contact", action_flag=CHANGE
    )
    before = _counts(old, lambda before, after: before)
    reviews_before = old.get_model("pages", "PageReview").objects.count()
    assert all(before.values()), before

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert _counts(new, lambda before, after: after) == before
    assert new.get_model("pages", "PageReview").objects.get(page_name="withdrawal_symptoms").reviewer.name == (
        "Moved Clinician"
    )
    assert new.get_model("pages", "PageReview").objects.count() == reviews_before
    from clinic.models import FactChange, TeamMember

    assert bytes(TeamMember.objects.get(name="Moved Clinician").photo.variants.get().data) == b"jpeg"
    # The same content type row, relabelled: permissions and the change history stay attached.
    assert FactChange.objects.get(content_type_id=contact_type.pk).content_type.app_label == "clinic"
    assert not new.get_model("contenttypes", "ContentType").objects.filter(
        app_label__in=["pages", "consultations"], model__in=[model.lower() for _, _, model in MOVED]
    )
    manager.refresh_from_db()
    intake.refresh_from_db()
    assert manager.has_perm("clinic.change_contactdetails") and manager.has_perm("clinic.change_bookingrules")
    assert manager.has_perm("clinic.view_factchange") and manager.has_perm("pages.change_pagereview")
    assert intake.has_perm("clinic.view_teammember") and intake.has_perm("clinic.view_callwindow")
    assert not intake.has_perm("clinic.change_teammember")
