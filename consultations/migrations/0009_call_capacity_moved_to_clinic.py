"""The call capacity now belongs to the `clinic` app (its migration 0001 takes it over, tables and rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_facts_and_call_capacity_from_pages_and_consultations"),
        ("consultations", "0008_booking"),
    ]

    operations = [
        # State only: the tables are the `clinic` models' now.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="callwindow",
                    name="rules",
                ),
                migrations.DeleteModel(
                    name="BookingRules",
                ),
                migrations.DeleteModel(
                    name="CallWindow",
                ),
            ],
            database_operations=[],
        ),
    ]
