"""Delete call-back requests past their retention period (run daily, e.g. from cron)."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.outbox import DIGEST_KEPT_DAYS, purge_old_digests
from consultations.services import purge_expired_requests
from portland_site.housekeeping import purge_stale_sign_in_records

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Delete what is past its retention period; run it daily. Call-back requests, each with its notes, call "
        "attempts, status timeline, staff emails and their tasks: those closed or not a fit for "
        "CONSULTATION_RETENTION_DAYS; spam a manager confirmed CONSULTATION_SPAM_RETENTION_DAYS ago; unconfirmed "
        "spam, CONSULTATION_RETENTION_DAYS after it was marked; and any other older than the limit, "
        "CONSULTATION_MAX_RETENTION_DAYS after it arrived (one audit entry lists the references purged). Also old "
        f"digest emails, finished over {DIGEST_KEPT_DAYS} days ago; expired failed sign-ins, past the lockout's "
        "cool-off; sign-in log entries older than STAFF_SIGN_IN_LOG_DAYS; and ended sessions. Prints and logs "
        "counts only."
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
