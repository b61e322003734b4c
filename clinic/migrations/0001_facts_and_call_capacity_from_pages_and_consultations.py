"""The clinic's facts (from `pages`) and the call capacity (from `consultations`) move into this app, keeping their
tables and rows; their content types follow, so that the staff roles' permissions and the facts' change history
stay attached to them."""

import django.contrib.admin.models
import django.db.models.deletion
from django.db import migrations, models

import clinic.models

# The models that moved here, by the app they came from.
MOVED = {
    "pages": [
        "contactdetails",
        "openinghours",
        "closure",
        "photo",
        "photovariant",
        "teammember",
        "costs",
        "factchange",
    ],
    "consultations": ["bookingrules", "callwindow"],
}


def _move(apps, *, to_clinic: bool) -> None:
    """Relabel each moved model's content type. Where the new app's content type exists already (made after a flush,
    say), the groups' permissions move onto its permissions and the old content type goes."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for app_label, models_moved in MOVED.items():
        source, target = (app_label, "clinic") if to_clinic else ("clinic", app_label)
        for model in models_moved:
            old = ContentType.objects.filter(app_label=source, model=model).first()
            if old is None:
                continue
            new = ContentType.objects.filter(app_label=target, model=model).first()
            if new is None:
                old.app_label = target
                old.save(update_fields=["app_label"])
                continue
            for permission in Permission.objects.filter(content_type=old):
                moved, _ = Permission.objects.get_or_create(
                    content_type=new, codename=permission.codename, defaults={"name": permission.name}
                )
                moved.group_set.add(*permission.group_set.all())
                moved.user_set.add(*permission.user_set.all())
            apps.get_model("admin", "LogEntry").objects.filter(content_type=old).update(content_type=new)
            old.delete()
    ContentType.objects.clear_cache()


def move_content_types(apps, schema_editor):
    _move(apps, to_clinic=True)


def move_content_types_back(apps, schema_editor):
    _move(apps, to_clinic=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0008_booking"),
        ("pages", "0002_staff_roles"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        # The tables stay where they are (see db_table): only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Photo",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "digest",
                            models.CharField(help_text="SHA-256 of the processed pixels.", max_length=64, unique=True),
                        ),
                        ("width", models.PositiveIntegerField(help_text="Of the largest variant.")),
                        ("height", models.PositiveIntegerField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "pages_photo",
                    },
                ),
                migrations.CreateModel(
                    name="FactChange",
                    fields=[],
                    options={
                        "verbose_name": "change to the clinic's facts",
                        "verbose_name_plural": "changes to the clinic's facts",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("admin.logentry",),
                    managers=[
                        ("objects", django.contrib.admin.models.LogEntryManager()),
                    ],
                ),
                migrations.CreateModel(
                    name="BookingRules",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "notice_hours",
                            models.PositiveSmallIntegerField(
                                default=2,
                                help_text="A time is offered only if it starts at least this many hours from now.",
                                verbose_name="notice needed (hours)",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "call capacity",
                        "verbose_name_plural": "call capacity",
                        "db_table": "consultations_bookingrules",
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("pk", 1)), name="booking_rules_single_row"),
                            models.CheckConstraint(
                                condition=models.Q(("notice_hours__lte", 168)),
                                name="booking_rules_notice_at_most_a_week",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Closure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("first_day", models.DateField()),
                        ("last_day", models.DateField(blank=True, help_text="Leave empty for a single day.")),
                        (
                            "note",
                            models.CharField(
                                blank=True, help_text='Shown on the site, e.g. "Thanksgiving".', max_length=200
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pages_closure",
                        "ordering": ["first_day"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("last_day__gte", models.F("first_day"))),
                                name="closure_days_in_order",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ContactDetails",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        (
                            "phone",
                            models.CharField(
                                help_text="As pages show it, e.g. (207) 555-0100.",
                                max_length=32,
                                validators=[clinic.models._validate_phone],
                            ),
                        ),
                        (
                            "address",
                            models.CharField(
                                help_text="One line, e.g. 100 Main Street, Suite 2, Portland, ME 04101.", max_length=200
                            ),
                        ),
                        (
                            "directions",
                            models.TextField(blank=True, help_text="Parking, buses, getting into the building."),
                        ),
                        (
                            "telehealth",
                            models.TextField(
                                blank=True,
                                help_text=(
                                    'Who can have video appointments, e.g. "people living in Maine". '
                                    "Empty: not offered."
                                ),
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "contact and place",
                        "verbose_name_plural": "contact and place",
                        "db_table": "pages_contactdetails",
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("id", 1)), name="contact_details_single_row")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Costs",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("first_call", models.CharField(blank=True, help_text='e.g. "Free".', max_length=200)),
                        ("assessment", models.CharField(blank=True, max_length=200)),
                        ("self_pay", models.TextField(blank=True, verbose_name="self-pay")),
                        (
                            "insurance_plans",
                            models.TextField(
                                blank=True, help_text="One plan per line.", verbose_name="insurance plans accepted"
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                    ],
                    options={
                        "verbose_name": "costs and insurance",
                        "verbose_name_plural": "costs and insurance",
                        "db_table": "pages_costs",
                        "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="costs_single_row")],
                    },
                ),
                migrations.CreateModel(
                    name="OpeningHours",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ],
                                unique=True,
                            ),
                        ),
                        ("opens", models.TimeField()),
                        ("closes", models.TimeField()),
                    ],
                    options={
                        "verbose_name": "opening hours",
                        "verbose_name_plural": "opening hours",
                        "db_table": "pages_openinghours",
                        "ordering": ["weekday"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("weekday__in", [0, 1, 2, 3, 4, 5, 6])),
                                name="opening_hours_weekday_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("opens__lt", models.F("closes"))),
                                name="opening_hours_open_before_close",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CallWindow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ]
                            ),
                        ),
                        ("starts", models.TimeField(verbose_name="from")),
                        ("ends", models.TimeField(verbose_name="until")),
                        (
                            "call_minutes",
                            models.PositiveSmallIntegerField(default=30, verbose_name="length of a call (minutes)"),
                        ),
                        (
                            "places",
                            models.PositiveSmallIntegerField(
                                default=1, help_text="How many staff call at once.", verbose_name="calls at once"
                            ),
                        ),
                        (
                            "rules",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="windows",
                                to="clinic.bookingrules",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "call window",
                        "db_table": "consultations_callwindow",
                        "ordering": ["weekday", "starts"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("weekday__in", [0, 1, 2, 3, 4, 5, 6])),
                                name="call_window_weekday_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("ends__gt", models.F("starts"))),
                                name="call_window_ends_after_start",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("call_minutes__gte", 5), ("call_minutes__lte", 240)),
                                name="call_window_call_length_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("places__gte", 1), ("places__lte", 50)),
                                name="call_window_places_valid",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PhotoVariant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(help_text="Hashed file name in its URL.", max_length=100, unique=True),
                        ),
                        (
                            "content_type",
                            models.CharField(
                                choices=[("image/avif", "AVIF"), ("image/webp", "WebP"), ("image/jpeg", "JPEG")],
                                max_length=16,
                            ),
                        ),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        ("data", models.BinaryField()),
                        (
                            "photo",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="variants", to="clinic.photo"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pages_photovariant",
                        "ordering": ["photo", "content_type", "width"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("content_type__in", ["image/avif", "image/webp", "image/jpeg"])),
                                name="photo_variant_format",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        (
                            "credentials",
                            models.CharField(
                                blank=True,
                                help_text='e.g. "MD, board-certified in addiction medicine". Empty: not a clinician.',
                                max_length=200,
                            ),
                        ),
                        ("role", models.CharField(help_text='e.g. "Medical director".', max_length=100)),
                        (
                            "licence_type",
                            models.CharField(
                                blank=True, help_text='e.g. "Maine medical licence (MD)".', max_length=100
                            ),
                        ),
                        (
                            "licence_number",
                            models.CharField(blank=True, help_text="Maine licence number, if any.", max_length=40),
                        ),
                        ("bio", models.TextField(blank=True, help_text="A few sentences in plain words.")),
                        (
                            "photo_alt",
                            models.CharField(
                                blank=True,
                                help_text="What the photo shows, for people who cannot see it.",
                                max_length=200,
                                verbose_name="photo description",
                            ),
                        ),
                        (
                            "display_order",
                            models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first."),
                        ),
                        (
                            "published",
                            models.BooleanField(default=False, help_text="Only published people appear on the site."),
                        ),
                        (
                            "photo",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="clinic.photo",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pages_teammember",
                        "ordering": ["display_order", "name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("photo", None), models.Q(("photo_alt", ""), _negated=True), _connector="OR"
                                ),
                                name="team_member_photo_has_alt",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("licence_number", ""),
                                    models.Q(("licence_type", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="team_member_licence_has_type",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
