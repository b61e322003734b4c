"""Gave the Clinic manager the visit figures; Intake staff see only the intake figures (their permission to view
call-back requests), unless a superuser gives one of them this permission too (README: "Who manages staff
accounts").

The roles' permissions now come from one registry, portland_site/roles.py, synced after every
migrate.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_daily_counts"),
        ("consultations", "0004_staff_groups"),
    ]

    operations = []
