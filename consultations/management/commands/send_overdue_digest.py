from django.core.management.base import BaseCommand

from consultations.outbox import overdue_requests, record_overdue_digests


class Command(BaseCommand):
    help = (
        "Queue an email to each intake recipient listing the call-back requests still new after "
        "CONSULTATION_SLA_BUSINESS_HOURS of opening time (references and admin links only). For a weekday "
        "morning cron job; the worker sends it."
    )

    def handle(self, *args, **options) -> None:
        overdue = len(overdue_requests())
        digests = record_overdue_digests()
        self.stdout.write(f"{overdue} overdue request(s); digest queued for {len(digests)} recipient(s).")
