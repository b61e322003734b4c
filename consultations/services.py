"""Writes for call-back requests, and what the patient is told to expect. Views call these functions."""

import logging
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from consultations.models import OPEN_STATUSES, CallTime, ConsultationRequest, RequestFor, SpamReason, Status

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

    Staff notifications belong here, enqueued with transaction.on_commit for newly stored requests that are not
    spam, never for a replayed token.
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


def change_status(
    *, consultation_request: ConsultationRequest, status: Status, now: datetime | None = None
) -> ConsultationRequest:
    """Move a request to `status`.

    The first move away from new (other than to spam) is when staff first reached out; closed and not a fit
    are closings, and any other status reopens the request.
    """
    now = now or timezone.now()
    consultation_request.status = status
    if status != Status.SPAM:
        consultation_request.spam_reason = ""
        if status != Status.NEW and consultation_request.first_contacted_at is None:
            consultation_request.first_contacted_at = now
    consultation_request.closed_at = now if status in _CLOSED_STATUSES else None
    consultation_request.save(update_fields=["status", "spam_reason", "first_contacted_at", "closed_at"])
    logger.info("Call-back request %s is now %s", consultation_request, status)
    return consultation_request


def expected_call_by(*, submitted_at: datetime) -> datetime:
    """When the patient may expect our call: a few hours of opening time after they asked, in the clinic's zone."""
    return settings.CLINIC_OPENING_HOURS.expected_by(
        submitted_at.astimezone(ZoneInfo(settings.CLINIC_TIME_ZONE)),
        timedelta(hours=settings.CONSULTATION_CALLBACK_BUSINESS_HOURS),
    )
