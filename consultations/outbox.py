"""The staff-email outbox: who is told, the rows that say what still has to be sent, delivery with retries, the
sweeper, and the task that sends one email.

A row is recorded in the transaction that makes it necessary and the task that sends it is queued after commit.
django-tasks has no retries and forgets a task whose worker was killed, so the row, not the task, says what still
has to be sent: `deliver_notification` only sends a row it has claimed, and `sweep_notifications` queues a task
again for any row that is due and has none. The task lives here, beside the service it calls (as pretix keeps its
mail service and task together), so nothing imports this module back.
"""

import logging
import time
from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from consultations import emails, task_queue
from consultations.models import (
    ConsultationRequest,
    NotificationKind,
    NotificationStatus,
    StaffNotification,
)

logger = logging.getLogger(__name__)

INTAKE_STAFF_GROUP = "Intake staff"
_SWEEP_BATCH = 500


def notification_recipients() -> list[str]:
    """Active intake staff with an email address, then CONSULTATION_NOTIFY_EMAILS; each address once."""
    staff = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=INTAKE_STAFF_GROUP)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    recipients: dict[str, str] = {}
    for address in (*staff, *settings.CONSULTATION_NOTIFY_EMAILS):
        if address.strip():
            recipients.setdefault(address.strip().lower(), address.strip())
    return list(recipients.values())


def _queue_after_commit(notifications: Collection[StaffNotification]) -> None:
    def enqueue() -> None:
        for notification in notifications:
            deliver_staff_notification.enqueue(notification_id=notification.pk)

    # robust: a failed enqueue must not fail the request that was just stored; the sweeper queues it later.
    transaction.on_commit(enqueue, robust=True)


def _record_notifications(
    *, kind: NotificationKind, consultation_request: ConsultationRequest | None, now: datetime
) -> list[StaffNotification]:
    recipients = notification_recipients()
    if not recipients:
        logger.warning(
            "No one to notify about %s: no active Intake staff with an email address and no CONSULTATION_NOTIFY_EMAILS",
            consultation_request or "the overdue requests",
        )
        return []
    notifications = StaffNotification.objects.bulk_create(
        StaffNotification(
            kind=kind,
            consultation_request=consultation_request,
            recipient=recipient,
            created_at=now,
            next_attempt_at=now,
        )
        for recipient in recipients
    )
    _queue_after_commit(notifications)
    return notifications


def record_request_notifications(
    *, consultation_request: ConsultationRequest, now: datetime | None = None
) -> list[StaffNotification]:
    """Record one email per recipient about a new request; they are sent once the current transaction commits."""
    return _record_notifications(
        kind=NotificationKind.NEW_REQUEST, consultation_request=consultation_request, now=now or timezone.now()
    )


def overdue_requests(*, now: datetime | None = None) -> list[ConsultationRequest]:
    """Requests still new after CONSULTATION_SLA_BUSINESS_HOURS of opening time, oldest first."""
    return list(ConsultationRequest.objects.overdue(now).order_by("created_at"))


def record_overdue_digests(*, now: datetime | None = None) -> list[StaffNotification]:
    """Record one digest email per recipient when any request is overdue. The digest lists them when it is sent."""
    now = now or timezone.now()
    if not overdue_requests(now=now):
        return []
    with transaction.atomic():
        return _record_notifications(kind=NotificationKind.OVERDUE_DIGEST, consultation_request=None, now=now)


# At most this many error reports an hour, and one for each different error: a page failing for everyone must not
# bury the admins (nor fill the outbox).
ERROR_REPORTS_PER_HOUR = 20


def record_error_report(*, details: str, now: datetime | None = None) -> list[StaffNotification]:
    """Record one email to each of ADMINS about a failed page (`details`: portland_site.error_reports.report_text),
    unless the same report went out within the hour or the hour's reports are used up. Sent after commit."""
    now = now or timezone.now()
    recipients = list(dict.fromkeys(address for _name, address in settings.ADMINS))
    recent = StaffNotification.objects.filter(
        kind=NotificationKind.ERROR_REPORT, created_at__gte=now - timedelta(hours=1)
    )
    if not recipients or recent.filter(details=details).exists() or recent.count() >= ERROR_REPORTS_PER_HOUR:
        return []
    with transaction.atomic():
        notifications = StaffNotification.objects.bulk_create(
            StaffNotification(
                kind=NotificationKind.ERROR_REPORT,
                recipient=recipient,
                details=details,
                created_at=now,
                next_attempt_at=now,
            )
            for recipient in recipients
        )
        _queue_after_commit(notifications)
    return notifications


def retry_delay(*, attempts: int) -> timedelta:
    """How long to wait after `attempts` failed attempts: the base, doubled each time, capped."""
    seconds = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFICATION_RETRY_CAP_SECONDS))


def _claimable(now: datetime) -> Q:
    # Due and waiting, or taken by a worker whose lease ran out (it was killed mid-send) before its last attempt.
    return Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=NotificationStatus.SENDING, claimed_until__lt=now, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS
    )


def deliver_notification(*, notification_id: int, now: datetime | None = None) -> str:
    """Send one staff email if it is due and no other worker has it, and record the outcome; say what happened.

    The claim is one conditional UPDATE: of two workers, on PostgreSQL as on SQLite, exactly one changes the row
    (PostgreSQL re-checks the condition once the other's update commits), so a notification is sent once. A
    worker that dies after claiming leaves the row to be claimed again when its lease expires: at least once.
    """
    started = now or timezone.now()
    claimed = StaffNotification.objects.filter(_claimable(started), pk=notification_id).update(
        status=NotificationStatus.SENDING,
        claimed_until=started + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "not due"
    notification = StaffNotification.objects.select_related("consultation_request").get(pk=notification_id)
    sending_since = time.monotonic()
    try:
        overdue = overdue_requests(now=started) if notification.kind == NotificationKind.OVERDUE_DIGEST else []
        emails.send_notification(notification=notification, overdue=overdue, now=started)
    except OSError as error:  # smtplib's errors, refused connections and timeouts
        permanent, description = emails.describe_failure(error)
        return _record_failure(
            notification=notification,
            error=description,
            permanent=permanent,
            now=started,
            send_seconds=time.monotonic() - sending_since,
        )
    except Exception as error:
        # Not the mail server (a bug, a bad setting): retried with the same backoff; the task keeps the traceback.
        _record_failure(notification=notification, error=type(error).__name__, permanent=False, now=started)
        raise
    finished = now or timezone.now()
    _finish(
        notification,
        status=NotificationStatus.SENT,
        sent_at=finished,
        last_error="",
        send_seconds=time.monotonic() - sending_since,
    )
    logger.info("Staff notification %s sent (attempt %s)", notification.pk, notification.attempts)
    return "sent"


def _finish(notification: StaffNotification, **changes) -> bool:
    # Only while the claim is still ours: the attempt number tells ours from a later worker's.
    updated = StaffNotification.objects.filter(
        pk=notification.pk, status=NotificationStatus.SENDING, attempts=notification.attempts
    ).update(claimed_until=None, **changes)
    if not updated:
        logger.warning("Staff notification %s was taken over by another worker: its lease ran out", notification.pk)
    return bool(updated)


def _record_failure(
    *, notification: StaffNotification, error: str, permanent: bool, now: datetime, send_seconds: float | None = None
) -> str:
    error = error[: StaffNotification._meta.get_field("last_error").max_length]
    if permanent or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        _finish(notification, status=NotificationStatus.FAILED, last_error=error, send_seconds=send_seconds)
        logger.error("Staff notification %s failed at attempt %s: %s", notification.pk, notification.attempts, error)
        return "failed"
    next_attempt_at = now + retry_delay(attempts=notification.attempts)
    with transaction.atomic():
        if _finish(
            notification,
            status=NotificationStatus.PENDING,
            next_attempt_at=next_attempt_at,
            last_error=error,
            send_seconds=send_seconds,
        ):
            notification_id = notification.pk
            transaction.on_commit(
                lambda: deliver_staff_notification.using(run_after=next_attempt_at).enqueue(
                    notification_id=notification_id
                ),
                robust=True,
            )
    logger.warning(
        "Staff notification %s: attempt %s failed (%s); next attempt at %s",
        notification.pk,
        notification.attempts,
        error,
        next_attempt_at.isoformat(),
    )
    return "retry"


def resend_notification(*, notification: StaffNotification, now: datetime | None = None) -> bool:
    """Send a failed notification again, with a fresh series of attempts. False if it had not failed."""
    now = now or timezone.now()
    with transaction.atomic():
        resent = StaffNotification.objects.filter(pk=notification.pk, status=NotificationStatus.FAILED).update(
            status=NotificationStatus.PENDING, attempts=0, next_attempt_at=now, last_error=""
        )
        if resent:
            _queue_after_commit([notification])
    if resent:
        logger.info("Staff notification %s queued again by staff", notification.pk)
    return bool(resent)


def sweep_notifications(*, now: datetime | None = None) -> dict[str, int]:
    """What django-tasks does not do, run every few seconds by each worker (`manage.py run_worker`).

    Gives up on notifications abandoned during their last attempt, marks our tasks whose worker died (still
    RUNNING after the lease) as failed, and queues a task for every notification that is due (a retry, a lease
    that ran out, a lost enqueue) and has none queued. Safe to run from any number of workers at once.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    abandoned = StaffNotification.objects.filter(
        status=NotificationStatus.SENDING,
        claimed_until__lt=now,
        attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS,
    ).update(
        status=NotificationStatus.FAILED, claimed_until=None, last_error="The worker stopped during the last attempt."
    )
    stalled = task_queue.fail_stalled(
        deliver_staff_notification, started_before=now - lease, reason="The worker stopped before this task finished."
    )
    queued = task_queue.queued_values(deliver_staff_notification, argument="notification_id")
    due = due_notifications(now=now).order_by("next_attempt_at")
    requeued = 0
    for notification_id in due.values_list("pk", flat=True)[:_SWEEP_BATCH]:
        if notification_id not in queued:
            deliver_staff_notification.enqueue(notification_id=notification_id)
            requeued += 1
    swept = {"abandoned": abandoned, "stalled tasks": stalled, "queued again": requeued}
    if any(swept.values()):
        logger.warning("Staff notification sweep: %s", ", ".join(f"{count} {what}" for what, count in swept.items()))
    return swept


def delete_task_runs_for(*, consultation_requests: QuerySet[ConsultationRequest]) -> int:
    """Delete the sending tasks of these requests' staff emails, before the requests (and, by cascade, the emails)
    are deleted: the task queue keeps them, with the email's id, without a foreign key."""
    notification_ids = StaffNotification.objects.filter(consultation_request__in=consultation_requests)
    return task_queue.delete_runs(
        deliver_staff_notification,
        argument="notification_id",
        values=list(notification_ids.values_list("pk", flat=True)),
    )


# A digest lists no one (only counts and links) but one is recorded per recipient every weekday morning.
DIGEST_KEPT_DAYS = 90


def purge_old_digests(*, dry_run: bool, now: datetime | None = None) -> int:
    """Delete finished digest emails (sent or failed) older than DIGEST_KEPT_DAYS, with their tasks; or count them."""
    now = now or timezone.now()
    old = StaffNotification.objects.filter(
        kind=NotificationKind.OVERDUE_DIGEST,
        status__in=[NotificationStatus.SENT, NotificationStatus.FAILED],
        created_at__lt=now - timedelta(days=DIGEST_KEPT_DAYS),
    )
    if dry_run:
        return old.count()
    task_queue.delete_runs(
        deliver_staff_notification, argument="notification_id", values=list(old.values_list("pk", flat=True))
    )
    return old.delete()[0]


def due_notifications(*, now: datetime) -> QuerySet[StaffNotification]:
    """Notifications a worker may take at `now`: due and waiting, or abandoned by a worker whose lease ran out."""
    return StaffNotification.objects.filter(_claimable(now))


@task()
def deliver_staff_notification(notification_id: int) -> str:
    return deliver_notification(notification_id=notification_id)
