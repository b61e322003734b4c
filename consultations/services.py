"""Writes for call-back requests, and what the patient is told to expect. Views call these functions."""

import logging
import secrets
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

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
    RequestFor,
    SpamReason,
    Status,
    StatusChange,
)
from consultations.outbox import record_request_notifications
from portland_site.clinic_time import in_clinic_time

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
    if status != Status.SPAM:
        consultation_request.spam_reason = ""
        if status != Status.NEW and consultation_request.first_contacted_at is None:
            consultation_request.first_contacted_at = now
    consultation_request.closed_at = now if status in _CLOSED_STATUSES else None
    consultation_request.save(update_fields=["status", "spam_reason", "first_contacted_at", "closed_at"])
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


@transaction.atomic
def delete_requests(*, consultation_requests: QuerySet[ConsultationRequest], by: AbstractBaseUser) -> int:
    rows = list(consultation_requests)
    record_audit(actor=by, action=AuditAction.DELETED, consultation_requests=rows)
    consultation_requests.delete()
    return len(rows)


def expired_requests(*, now: datetime | None = None) -> dict[str, QuerySet[ConsultationRequest]]:
    """Requests past retention: closed or not a fit for RETENTION_DAYS, spam received SPAM_RETENTION_DAYS ago."""
    now = now or timezone.now()
    closed_before = now - timedelta(days=settings.CONSULTATION_RETENTION_DAYS)
    spam_before = now - timedelta(days=settings.CONSULTATION_SPAM_RETENTION_DAYS)
    return {
        "closed or not a fit": ConsultationRequest.objects.filter(
            status__in=_CLOSED_STATUSES, closed_at__lt=closed_before
        ),
        "spam": ConsultationRequest.objects.filter(status=Status.SPAM, created_at__lt=spam_before),
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
            queryset.delete()
    return counts


def expected_call_by(*, submitted_at: datetime) -> datetime:
    """When the patient may expect our call: a few hours of opening time after they asked, in the clinic's zone."""
    return settings.CLINIC_OPENING_HOURS.expected_by(
        in_clinic_time(submitted_at),
        timedelta(hours=settings.CONSULTATION_CALLBACK_BUSINESS_HOURS),
    )
