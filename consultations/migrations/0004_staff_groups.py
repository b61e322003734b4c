"""Made the two staff roles, "Intake staff" and "Clinic manager", and gave them the requests' permissions.

The roles' permissions now come from one registry, portland_site/roles.py, synced after every
migrate.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0003_staff_notifications"),
    ]

    operations = []
