"""Requests stored before migration 0008 added `due_by` have none: the queue, the day's calls and the promise in
words then have no time for them. This fills it as the form fills it, CONSULTATION_CALLBACK_BUSINESS_HOURS of
opening time after the request arrived, counting the opening hours and closures recorded now (earlier ones were
not kept). A request with a booked call keeps none (its booking holds the promise), and so does one the clinic has
no opening time after.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations

from clinic.clock import ClinicClock, NoOpeningTime
from portland_site.clinic_time import in_clinic_time


def fill_due_by(apps, schema_editor):
    OpeningHours = apps.get_model("clinic", "OpeningHours")
    Closure = apps.get_model("clinic", "Closure")
    ConsultationRequest = apps.get_model("consultations", "ConsultationRequest")
    clock = ClinicClock(
        days={row.weekday: (row.opens, row.closes) for row in OpeningHours.objects.all()},
        closures=tuple(Closure.objects.order_by("first_day").values_list("first_day", "last_day")),
    )
    promise = timedelta(hours=settings.CONSULTATION_CALLBACK_BUSINESS_HOURS)
    without = ConsultationRequest.objects.filter(due_by__isnull=True, booking__isnull=True)
    for request in without.only("pk", "created_at").iterator():
        try:
            due_by = clock.expected_by(in_clinic_time(request.created_at), promise)
        except NoOpeningTime:
            continue
        ConsultationRequest.objects.filter(pk=request.pk).update(due_by=due_by)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0014_privacy_notice_shown_and_emails_to_the_person"),
        ("clinic", "0002_referrals_plans_language_notices"),
    ]

    operations = [migrations.RunPython(fill_due_by, migrations.RunPython.noop)]
