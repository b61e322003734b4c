"""Staff sign-in records that nobody needs once they are old, deleted by the nightly `manage.py purge_requests`."""

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone


def stale_sign_in_records(*, now: datetime | None = None) -> dict[str, QuerySet]:
    """What is past its use, by kind. django-axes clears failed attempts only when someone fails again."""
    now = now or timezone.now()
    return {
        "expired failed sign-ins": AccessAttempt.objects.filter(attempt_time__lte=now - settings.AXES_COOLOFF_TIME),
        "sign-in log entries": AccessLog.objects.filter(
            attempt_time__lt=now - timedelta(days=settings.STAFF_SIGN_IN_LOG_DAYS)
        ),
        # Django leaves ended sessions in the table until clearsessions runs.
        "ended sessions": Session.objects.filter(expire_date__lt=now),
    }


def purge_stale_sign_in_records(*, dry_run: bool, now: datetime | None = None) -> dict[str, int]:
    """Delete them (or only count them); returns the count of each kind."""
    counts = {}
    for kind, queryset in stale_sign_in_records(now=now).items():
        counts[kind] = queryset.count() if dry_run else queryset.delete()[0]
    return counts
