"""The Clinic manager sees the visit figures; Intake staff see only the intake figures (their permission to view
call-back requests), unless a superuser gives one of them this permission too (README: "Who manages staff
accounts")."""

from django.db import migrations

CLINIC_MANAGER = "Clinic manager"
CODENAME = "view_marketing_figures"


def give_managers_the_figures(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="insights", model="dailycount")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=CODENAME,
        defaults={"name": "Can see visit, referrer and campaign figures"},
    )
    group, _ = Group.objects.get_or_create(name=CLINIC_MANAGER)
    group.permissions.add(permission)


def take_them_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=CLINIC_MANAGER):
        group.permissions.remove(*group.permissions.filter(codename=CODENAME, content_type__app_label="insights"))


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_daily_counts"),
        ("consultations", "0004_staff_groups"),
    ]

    operations = [migrations.RunPython(give_managers_the_figures, take_them_back)]
