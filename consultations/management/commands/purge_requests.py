"""Delete call-back requests past their retention period (run daily, e.g. from cron)."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.outbox import purge_old_digests
from consultations.services import purge_expired_requests
from portland_site.housekeeping import purge_stale_sign_in_records

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Delete requests closed or not a fit for more than CONSULTATION_RETENTION_DAYS, spam confirmed more than "
        "CONSULTATION_SPAM_RETENTION_DAYS ago (unconfirmed spam: CONSULTATION_RETENTION_DAYS after it was marked), "
        "and sign-in records past their use. Logs counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run: bool, **options):
        counts = {
            **purge_expired_requests(dry_run=dry_run),
            "old digest emails": purge_old_digests(dry_run=dry_run),
            **purge_stale_sign_in_records(dry_run=dry_run),
        }
        verb = "would delete" if dry_run else "deleted"
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        logger.info(
            "purge_requests %s %s (retention %d days, spam %d days)",
            verb,
            summary,
            settings.CONSULTATION_RETENTION_DAYS,
            settings.CONSULTATION_SPAM_RETENTION_DAYS,
        )
        self.stdout.write(f"{verb.capitalize()}: {summary}.")
