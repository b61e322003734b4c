"""The clinic's facts now belong to the `clinic` app (its migration 0001 takes them over, tables and rows); the
articles' reviews stay here and point at its team."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_facts_and_call_capacity_from_pages_and_consultations"),
        ("pages", "0002_staff_roles"),
    ]

    operations = [
        # State only: the tables are the `clinic` models' now.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Closure",
                ),
                migrations.DeleteModel(
                    name="ContactDetails",
                ),
                migrations.DeleteModel(
                    name="Costs",
                ),
                migrations.DeleteModel(
                    name="OpeningHours",
                ),
                migrations.RemoveField(
                    model_name="photovariant",
                    name="photo",
                ),
                migrations.RemoveField(
                    model_name="teammember",
                    name="photo",
                ),
                migrations.AlterField(
                    model_name="pagereview",
                    name="reviewer",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="reviews", to="clinic.teammember"
                    ),
                ),
                migrations.DeleteModel(
                    name="FactChange",
                ),
                migrations.DeleteModel(
                    name="PhotoVariant",
                ),
                migrations.DeleteModel(
                    name="Photo",
                ),
                migrations.DeleteModel(
                    name="TeamMember",
                ),
            ],
            database_operations=[],
        ),
    ]
