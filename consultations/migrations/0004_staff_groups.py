"""The two staff roles. The email queue finds "Intake staff" by name, so the names are part of the contract."""

from django.db import migrations

INTAKE_STAFF = "Intake staff"
CLINIC_MANAGER = "Clinic manager"

_REQUEST = "consultationrequest"
# Each role's permissions by model. Intake staff can neither delete nor export nor erase. Call attempts and
# notes are add-only for everyone: they record what happened. Only managers send a failed staff email again.
ROLE_PERMISSIONS = {
    INTAKE_STAFF: {
        _REQUEST: ["view", "change"],
        "callattempt": ["view", "add"],
        "note": ["view", "add"],
        "staffnotification": ["view"],
    },
    CLINIC_MANAGER: {
        _REQUEST: ["view", "change", "delete", "export", "erase"],
        "callattempt": ["view", "add"],
        "note": ["view", "add"],
        "auditentry": ["view"],
        "staffnotification": ["view", "resend"],
    },
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; these groups need them now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for model_name, actions in models.items():
            model = apps.get_model("consultations", model_name)
            content_type, _ = ContentType.objects.get_or_create(app_label="consultations", model=model_name)
            custom_names = dict(model._meta.permissions)
            for action in actions:
                codename = f"{action}_{model_name}"
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=codename,
                    defaults={"name": custom_names.get(codename, f"Can {action} {model._meta.verbose_name}")},
                )
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0003_staff_notifications"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
