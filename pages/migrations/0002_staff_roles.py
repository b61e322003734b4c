"""Gave the staff roles the clinic's facts: managers keep them, intake staff read them.

The roles' permissions now come from one registry, portland_site/roles.py, synced after every
migrate.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pages", "0001_initial"),
    ]

    operations = []
