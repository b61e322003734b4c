"""The two staff roles (made by consultations' migration 0004) and the clinic's facts: managers keep them, intake
staff read them. Managers also read the facts' audit trail ("changes to the clinic's facts").

`pages` does not depend on `consultations`: whichever migration runs first makes the groups (get_or_create)."""

from django.db import migrations

INTAKE_STAFF = "Intake staff"
CLINIC_MANAGER = "Clinic manager"

_FACTS = ["contactdetails", "openinghours", "closure", "teammember", "costs", "pagereview"]
ROLE_PERMISSIONS = {
    INTAKE_STAFF: {model: ["view"] for model in _FACTS},
    CLINIC_MANAGER: {**{model: ["view", "add", "change", "delete"] for model in _FACTS}, "factchange": ["view"]},
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; these groups need them now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for model_name, actions in models.items():
            model = apps.get_model("pages", model_name)
            content_type, _ = ContentType.objects.get_or_create(app_label="pages", model=model_name)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model_name}",
                    defaults={"name": f"Can {action} {model._meta.verbose_name}"},
                )
                group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="pages").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pages", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
