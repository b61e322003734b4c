"""Writes for call-back requests, and what the patient is told to expect. Views call these functions."""

import logging
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from consultations import emails, tasks
from consultations.export import requests_as_csv
from consultations.models import (
    OPEN_STATUSES,
    AuditAction,
    AuditEntry,
    CallAttempt,
    CallOutcome,
    CallTime,
    ConsultationRequest,
    Note,
    NotificationKind,
    NotificationStatus,
    RequestFor,
    SpamReason,
    StaffNotification,
    Status,
    StatusChange,
)

logger = logging.getLogger(__name__)

# Crockford's base32: digits and capitals without I, L, O and U, so a code survives being read aloud.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8
DUPLICATE_WINDOW = timedelta(days=7)
_REFERENCE_ATTEMPTS = 5
_CLOSED_STATUSES = (Status.NOT_A_FIT, Status.CLOSED)


def new_reference() -> str:
    """Eight random characters: 32**8, about a trillion codes, so references can't be guessed."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _request_with_token(submission_token: str) -> ConsultationRequest | None:
    return ConsultationRequest.objects.filter(submission_token=submission_token).first()


def _open_request_from(phone: str, now: datetime) -> ConsultationRequest | None:
    return (
        ConsultationRequest.objects.filter(
            phone=phone, status__in=OPEN_STATUSES, created_at__gte=now - DUPLICATE_WINDOW
        )
        .order_by("created_at")
        .first()
    )


# Everything, so that the frames below (the ORM's, with their query parameters) are hidden from error reports too.
@sensitive_variables()
def submit_request(
    *,
    name: str,
    phone: str,
    call_times: Collection[CallTime | str],
    voicemail_ok: bool,
    email: str,
    request_for: RequestFor | str,
    message: str,
    submission_token: str,
    spam_reason: SpamReason | str = "",
    now: datetime | None = None,
) -> ConsultationRequest:
    """Store one call-back request, in one transaction, and return it.

    `phone` is in E.164 form. The same `submission_token` sent again (a double click, a refreshed POST, the back
    button) stores nothing and returns the request it first created. With a `spam_reason` the request is kept
    with status spam for staff to look at. A request from a phone number that has an open request from the last
    seven days is linked to the earliest of them with `duplicate_of`.

    A new request that is neither spam nor a duplicate records one email per intake recipient in the same
    transaction; they are queued for sending once it commits.
    """
    now = now or timezone.now()
    for _attempt in range(_REFERENCE_ATTEMPTS):
        reference = new_reference()
        try:
            with transaction.atomic():
                earlier = _request_with_token(submission_token)
                if earlier is not None:
                    return earlier
                consultation_request = ConsultationRequest.objects.create(
                    reference=reference,
                    created_at=now,
                    name=name,
                    phone=phone,
                    call_mornings=CallTime.MORNINGS in call_times,
                    call_afternoons=CallTime.AFTERNOONS in call_times,
                    call_evenings=CallTime.EVENINGS in call_times,
                    voicemail_ok=voicemail_ok,
                    email=email,
                    request_for=request_for,
                    message=message,
                    privacy_notice_agreed_at=now,
                    status=Status.SPAM if spam_reason else Status.NEW,
                    spam_reason=spam_reason,
                    spam_marked_at=now if spam_reason else None,
                    duplicate_of=None if spam_reason else _open_request_from(phone, now),
                    submission_token=submission_token,
                )
                if consultation_request.status == Status.NEW and consultation_request.duplicate_of is None:
                    record_request_notifications(consultation_request=consultation_request, now=now)
            break
        except IntegrityError:
            # Either a concurrent POST of the same form (a double click) stored it first, and its request is the
            # answer, or, very rarely, the reference was taken, and the next attempt draws another.
            earlier = _request_with_token(submission_token)
            if earlier is not None:
                return earlier
            if not ConsultationRequest.objects.filter(reference=reference).exists():
                raise
    else:
        raise RuntimeError(f"no free reference code in {_REFERENCE_ATTEMPTS} attempts")
    logger.info(
        "Call-back request %s stored: %s%s",
        consultation_request,
        consultation_request.status,
        f", duplicate of {consultation_request.duplicate_of}" if consultation_request.duplicate_of else "",
    )
    return consultation_request


def record_audit(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction,
    consultation_requests: Iterable[ConsultationRequest],
    detail: str = "",
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail. `detail` names fields and statuses, never personal values."""
    references = [consultation_request.reference_display for consultation_request in consultation_requests]
    return AuditEntry.objects.create(
        at=now or timezone.now(),
        actor=actor,
        action=action,
        references=" ".join(references),
        row_count=len(references),
        detail=detail,
    )


def record_view(*, consultation_request: ConsultationRequest, by: AbstractBaseUser) -> AuditEntry:
    return record_audit(actor=by, action=AuditAction.VIEWED, consultation_requests=[consultation_request])


@transaction.atomic
def change_status(
    *,
    consultation_request: ConsultationRequest,
    status: Status,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> ConsultationRequest:
    """Move a request to `status`, and record the step on its timeline and in the audit trail.

    The one way a status changes. The first move away from new (other than to spam) is when staff first
    reached out; closed and not a fit are closings, and any other status reopens the request. `by` is None
    for the system (the form itself).
    """
    now = now or timezone.now()
    # From the locked row, not the instance: two staff may act on the same request at once.
    stored = (
        ConsultationRequest.objects.select_for_update()
        .only("status", "first_contacted_at")
        .get(pk=consultation_request.pk)
    )
    previous = stored.status
    if previous == status:
        return consultation_request
    consultation_request.status = status
    consultation_request.first_contacted_at = stored.first_contacted_at
    consultation_request.spam_marked_at = now if status == Status.SPAM else None
    if status != Status.SPAM:
        consultation_request.spam_reason = ""
        if status != Status.NEW and consultation_request.first_contacted_at is None:
            consultation_request.first_contacted_at = now
    consultation_request.closed_at = now if status in _CLOSED_STATUSES else None
    consultation_request.save(
        update_fields=["status", "spam_reason", "spam_marked_at", "first_contacted_at", "closed_at"]
    )
    StatusChange.objects.create(
        consultation_request=consultation_request, changed_at=now, changed_by=by, from_status=previous, to_status=status
    )
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=[consultation_request],
        detail=f"status: {Status(previous).label} → {Status(status).label}",
        now=now,
    )
    logger.info("Call-back request %s is now %s", consultation_request, status)
    return consultation_request


@transaction.atomic
def assign_request(
    *, consultation_request: ConsultationRequest, assignee: AbstractBaseUser | None, by: AbstractBaseUser
) -> ConsultationRequest:
    """Give a request to one member of staff (None: to nobody)."""
    consultation_request.assigned_to = assignee
    consultation_request.save(update_fields=["assigned_to"])
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=[consultation_request],
        detail=f"assigned to {assignee.get_username()}" if assignee else "unassigned",
    )
    return consultation_request


@transaction.atomic
def record_call_attempt(
    *,
    consultation_request: ConsultationRequest,
    by: AbstractBaseUser,
    outcome: CallOutcome,
    note: str = "",
    attempted_at: datetime | None = None,
) -> CallAttempt:
    """Record one call to the person. The first call on a new request means staff are attempting contact."""
    attempt = CallAttempt.objects.create(
        consultation_request=consultation_request,
        attempted_at=attempted_at or timezone.now(),
        made_by=by,
        outcome=outcome,
        note=note,
    )
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=[consultation_request],
        detail=f"call attempt: {CallOutcome(outcome).label}",
    )
    if consultation_request.status == Status.NEW:
        change_status(
            consultation_request=consultation_request, status=Status.ATTEMPTING_CONTACT, by=by, now=attempt.attempted_at
        )
    return attempt


@transaction.atomic
def add_note(*, consultation_request: ConsultationRequest, by: AbstractBaseUser, text: str) -> Note:
    note = Note.objects.create(consultation_request=consultation_request, author=by, text=text)
    record_audit(actor=by, action=AuditAction.CHANGED, consultation_requests=[consultation_request], detail="note")
    return note


@transaction.atomic
def export_requests(*, consultation_requests: QuerySet[ConsultationRequest], by: AbstractBaseUser) -> str:
    """The requests as CSV text, with the export itself in the audit trail (who, when, which rows, how many)."""
    rows = list(consultation_requests)
    record_audit(actor=by, action=AuditAction.EXPORTED, consultation_requests=rows, detail="CSV")
    return requests_as_csv(rows)


@transaction.atomic
def erase_personal_data(
    *, consultation_request: ConsultationRequest, by: AbstractBaseUser, now: datetime | None = None
) -> ConsultationRequest:
    """Blank what identifies the person, at their request; keep the reference, dates, statuses and audit trail.

    Best call times and the voicemail answer stay: they identify no one and the request's constraints need them.
    """
    now = now or timezone.now()
    consultation_request.name = ""
    consultation_request.phone = ""
    consultation_request.email = ""
    consultation_request.message = ""
    consultation_request.erased_at = now
    consultation_request.save(update_fields=["name", "phone", "email", "message", "erased_at"])
    # Staff may have written the person's details into notes too.
    consultation_request.notes.update(text="")
    consultation_request.call_attempts.update(note="")
    record_audit(actor=by, action=AuditAction.ERASED, consultation_requests=[consultation_request], now=now)
    logger.info("Call-back request %s: personal data erased", consultation_request)
    return consultation_request


def _delete_with_all_that_belongs(consultation_requests: QuerySet[ConsultationRequest]) -> None:
    """Delete requests with their notes, call attempts, timeline and staff emails (the foreign keys cascade) and
    the task results of those emails, which django-tasks-db keeps without a foreign key."""
    notification_ids = list(
        StaffNotification.objects.filter(consultation_request__in=consultation_requests).values_list("pk", flat=True)
    )
    DBTaskResult.objects.filter(
        task_path=tasks.deliver_staff_notification.module_path,
        args_kwargs__kwargs__notification_id__in=notification_ids,
    ).delete()
    consultation_requests.delete()


@transaction.atomic
def delete_requests(*, consultation_requests: QuerySet[ConsultationRequest], by: AbstractBaseUser) -> int:
    rows = list(consultation_requests)
    record_audit(actor=by, action=AuditAction.DELETED, consultation_requests=rows)
    _delete_with_all_that_belongs(consultation_requests)
    return len(rows)


def expired_requests(*, now: datetime | None = None) -> dict[str, QuerySet[ConsultationRequest]]:
    """Requests past retention: closed or not a fit for RETENTION_DAYS, spam marked SPAM_RETENTION_DAYS ago, and
    any other received more than MAX_RETENTION_DAYS ago, whatever its status."""
    now = now or timezone.now()
    closed = Q(status__in=_CLOSED_STATUSES, closed_at__lt=now - timedelta(days=settings.CONSULTATION_RETENTION_DAYS))
    spam = Q(status=Status.SPAM, spam_marked_at__lt=now - timedelta(days=settings.CONSULTATION_SPAM_RETENTION_DAYS))
    too_old = Q(created_at__lt=now - timedelta(days=settings.CONSULTATION_MAX_RETENTION_DAYS))
    return {
        "closed or not a fit": ConsultationRequest.objects.filter(closed),
        "spam": ConsultationRequest.objects.filter(spam),
        "older than the limit": ConsultationRequest.objects.filter(too_old & ~closed & ~spam),
    }


@transaction.atomic
def purge_expired_requests(*, dry_run: bool, now: datetime | None = None) -> dict[str, int]:
    """Delete requests past retention (or only count them), with one audit entry; returns counts per kind."""
    counts = {}
    for kind, queryset in expired_requests(now=now).items():
        if dry_run:
            counts[kind] = queryset.count()
            continue
        rows = list(queryset.only("pk", "reference"))
        counts[kind] = len(rows)
        if rows:
            record_audit(actor=None, action=AuditAction.PURGED, consultation_requests=rows, detail=kind, now=now)
            _delete_with_all_that_belongs(queryset)
    return counts


def expected_call_by(*, submitted_at: datetime) -> datetime:
    """When the patient may expect our call: a few hours of opening time after they asked, in the clinic's zone."""
    return settings.CLINIC_OPENING_HOURS.expected_by(
        submitted_at.astimezone(ZoneInfo(settings.CLINIC_TIME_ZONE)),
        timedelta(hours=settings.CONSULTATION_CALLBACK_BUSINESS_HOURS),
    )


# Staff notifications: the outbox. A row is recorded in the transaction that makes it necessary and the task that
# sends it is queued after commit. django-tasks has no retries and forgets a task whose worker was killed, so the
# row, not the task, says what still has to be sent: `deliver_notification` only sends a row it has claimed, and
# `sweep_notifications` queues a task again for any row that is due and has none.

INTAKE_STAFF_GROUP = "Intake staff"
# A notification due this long ago and still not sent means no worker is running.
_WORKER_SILENT_AFTER = timedelta(minutes=10)
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
            tasks.deliver_staff_notification.enqueue(notification_id=notification.pk)

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
    try:
        overdue = overdue_requests(now=started) if notification.kind == NotificationKind.OVERDUE_DIGEST else []
        emails.send_notification(notification=notification, overdue=overdue, now=started)
    except OSError as error:  # smtplib's errors, refused connections and timeouts
        permanent, description = emails.describe_failure(error)
        return _record_failure(notification=notification, error=description, permanent=permanent, now=started)
    except Exception as error:
        # Not the mail server (a bug, a bad setting): retried with the same backoff; the task keeps the traceback.
        _record_failure(notification=notification, error=type(error).__name__, permanent=False, now=started)
        raise
    finished = now or timezone.now()
    _finish(notification, status=NotificationStatus.SENT, sent_at=finished, last_error="")
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


def _record_failure(*, notification: StaffNotification, error: str, permanent: bool, now: datetime) -> str:
    error = error[: StaffNotification._meta.get_field("last_error").max_length]
    if permanent or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        _finish(notification, status=NotificationStatus.FAILED, last_error=error)
        logger.error("Staff notification %s failed at attempt %s: %s", notification.pk, notification.attempts, error)
        return "failed"
    next_attempt_at = now + retry_delay(attempts=notification.attempts)
    with transaction.atomic():
        if _finish(notification, status=NotificationStatus.PENDING, next_attempt_at=next_attempt_at, last_error=error):
            notification_id = notification.pk
            transaction.on_commit(
                lambda: tasks.deliver_staff_notification.using(run_after=next_attempt_at).enqueue(
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
    our_tasks = DBTaskResult.objects.filter(task_path=tasks.deliver_staff_notification.module_path)
    stalled = list(our_tasks.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease))
    for task_result in stalled:
        task_result.set_failed(tasks.WorkerLost("The worker stopped before this task finished."))
    queued = set(
        our_tasks.filter(status=TaskResultStatus.READY).values_list("args_kwargs__kwargs__notification_id", flat=True)
    )
    due = StaffNotification.objects.filter(_claimable(now)).order_by("next_attempt_at")
    requeued = 0
    for notification_id in due.values_list("pk", flat=True)[:_SWEEP_BATCH]:
        if notification_id not in queued:
            tasks.deliver_staff_notification.enqueue(notification_id=notification_id)
            requeued += 1
    swept = {"abandoned": abandoned, "stalled tasks": len(stalled), "queued again": requeued}
    if any(swept.values()):
        logger.warning("Staff notification sweep: %s", ", ".join(f"{count} {what}" for what, count in swept.items()))
    return swept


@dataclass(frozen=True)
class NotificationHealth:
    recipients: int
    failed: int
    # Due for a while and not sent: no worker seems to be running.
    waiting: int

    @property
    def problems(self) -> list[str]:
        problems = []
        if not self.recipients:
            problems.append(
                "No one receives emails about new call-back requests: add active staff with an email address to "
                f'the "{INTAKE_STAFF_GROUP}" group, or set CONSULTATION_NOTIFY_EMAILS.'
            )
        if self.failed:
            problems.append(f"{self.failed} staff email(s) failed; see Staff notifications.")
        if self.waiting:
            problems.append(f"{self.waiting} staff email(s) are waiting to be sent: is the worker running?")
        return problems


def notification_health(*, now: datetime | None = None) -> NotificationHealth:
    """What the admin dashboard should warn about: no recipients, failed emails, emails no worker picks up."""
    now = now or timezone.now()
    return NotificationHealth(
        recipients=len(notification_recipients()),
        failed=StaffNotification.objects.filter(status=NotificationStatus.FAILED).count(),
        waiting=StaffNotification.objects.filter(_claimable(now - _WORKER_SILENT_AFTER)).count(),
    )
