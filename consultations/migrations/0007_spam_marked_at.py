from django.db import migrations, models
from django.utils import timezone


def mark_existing_spam(apps, schema_editor):
    # When they were marked is not known: their 30 days start now, so that nothing is deleted sooner than before.
    ConsultationRequest = apps.get_model("consultations", "ConsultationRequest")
    ConsultationRequest.objects.filter(status="spam").update(spam_marked_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_audit_searches")]

    operations = [
        migrations.AddField(
            model_name="consultationrequest",
            name="spam_marked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="marked spam at"),
        ),
        migrations.RunPython(mark_existing_spam, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consultationrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("spam_marked_at__isnull", False), ("status", "spam")),
                    models.Q(models.Q(("status", "spam"), _negated=True), ("spam_marked_at__isnull", True)),
                    _connector="OR",
                ),
                name="consultation_spam_marked_at_only_on_spam",
            ),
        ),
    ]
