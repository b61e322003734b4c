"""Writes for call-back requests, and what the patient is told to expect. Views call these functions."""

import logging
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from clinic.clock import NoOpeningTime, clinic_clock
from consultations.booking import (
    bookings_made,
    call_time_of_day,
    check_breaker,
    emailed_link_hash,
    lock_phone,
    take_place,
    upcoming_booking_for_phone,
)
from consultations.export import requests_as_csv
from consultations.models import (
    OPEN_STATUSES,
    AuditAction,
    AuditEntry,
    Booking,
    BookingPause,
    CallAttempt,
    CallOutcome,
    CallTime,
    ConsultationRequest,
    Note,
    NotificationKind,
    RequestFor,
    SpamReason,
    Status,
    StatusChange,
)
from consultations.outbox import delete_task_runs_for, record_person_email, record_request_notifications
from portland_site import phones
from portland_site.clinic import call_start_time
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
    call_at: datetime | None = None,
    change_link_hash: str = "",
    email_me: bool = False,
    now: datetime | None = None,
) -> ConsultationRequest:
    """Store one call-back request, in one transaction, and return it.

    `phone` is in E.164 form. The same `submission_token` sent again (a double click, a refreshed POST, the back
    button) stores nothing and returns the request it first created. With a `spam_reason` the request is kept
    with status spam for staff to look at. A request from a phone number that has an open request from the last
    seven days is linked to the earliest of them with `duplicate_of`.

    A new request that is neither spam nor a duplicate records one email per intake recipient in the same
    transaction; they are queued for sending once it commits.

    With `call_at` the person chose a call time, booked in the same transaction with `change_link_hash` for their
    private link: when the time is no longer offered or its places are taken, booking.TimeNotOffered or
    booking.TimeTaken is raised and nothing is stored, and while the breaker has paused booking,
    booking.BookingsPaused. Spam books no time (scripts must not fill the calendar), and neither does a phone
    number that already has a call booked still to come: that request is stored, linked to the one with the call,
    without a place. Without it, the request is due by the time the clinic's
    clock promises. With `email_me` and an `email`, a booked call is also
    emailed to the person, with a private link of its own (booking.emailed_link_token).
    """
    now = now or timezone.now()
    book = call_at is not None and not spam_reason
    if book and upcoming_booking_for_phone(phone, now=now) is None:
        check_breaker(now=now)
    for _attempt in range(_REFERENCE_ATTEMPTS):
        reference = new_reference()
        with transaction.atomic():
            earlier = _request_with_token(submission_token)
            if earlier is not None:
                return _with_change_link(earlier, change_link_hash)
            already_booked = None
            if book:
                lock_phone(phone)
                already_booked = upcoming_booking_for_phone(phone, now=now)
            duplicate_of = None if spam_reason else _open_request_from(phone, now)
            if already_booked is not None and duplicate_of is None:
                duplicate_of = already_booked.consultation_request
            books = book and already_booked is None
            # ON CONFLICT DO NOTHING, then a read: a concurrent POST of the same form (a double click) that stored
            # it first, or, very rarely, a reference already taken, makes no row and no database error. An error
            # would make PostgreSQL write the failed statement, the person's details in it, to its server log.
            new_request = ConsultationRequest(
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
                privacy_notice_shown_at=now,
                status=Status.SPAM if spam_reason else Status.NEW,
                spam_reason=spam_reason,
                spam_marked_at=now if spam_reason else None,
                spam_confirmed_at=now if spam_reason else None,  # the form's own checks caught it
                duplicate_of=duplicate_of,
                submission_token=submission_token,
                due_by=None if books else expected_call_by(submitted_at=now),
            )
            ConsultationRequest.objects.bulk_create([new_request], ignore_conflicts=True)
            consultation_request = _request_with_token(submission_token)
            if consultation_request is None:
                if ConsultationRequest.objects.filter(reference=reference).exists():
                    continue  # the reference was taken: draw another
                # SQLite's INSERT OR IGNORE also skips a row that breaks a CHECK constraint: this raises its error.
                new_request.save(force_insert=True)
                consultation_request = new_request
            if consultation_request.reference != reference:
                # the same form, stored first by a concurrent POST
                return _with_change_link(consultation_request, change_link_hash)
            if books:
                slot = take_place(call_at, now=now)
                booking = Booking.objects.create(
                    consultation_request=consultation_request,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    booked_at=now,
                    change_link_hash=change_link_hash,
                )
                if email_me and email:
                    booking.email_link_hash = emailed_link_hash(booking)
                    booking.save(update_fields=["email_link_hash"])
                    record_person_email(
                        consultation_request=consultation_request, kind=NotificationKind.CALL_BOOKED, now=now
                    )
            if consultation_request.status == Status.NEW and consultation_request.duplicate_of is None:
                record_request_notifications(consultation_request=consultation_request, now=now)
        break
    else:
        raise RuntimeError(f"no free reference code in {_REFERENCE_ATTEMPTS} attempts")
    logger.info(
        "Call-back request %s stored: %s%s",
        consultation_request,
        consultation_request.status,
        f", duplicate of {consultation_request.duplicate_of}" if consultation_request.duplicate_of else "",
    )
    return consultation_request


def _with_change_link(consultation_request: ConsultationRequest, change_link_hash: str) -> ConsultationRequest:
    """The same form sent again: the private link of the page the person will see replaces the first one's."""
    if change_link_hash:
        Booking.objects.filter(consultation_request=consultation_request).update(change_link_hash=change_link_hash)
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
    reason: str = "",
    now: datetime | None = None,
) -> ConsultationRequest:
    """Move a request to `status`, and record the step on its timeline and in the audit trail.

    The one way a status changes. The first move away from new (other than to spam) is when staff first
    reached out; closed and not a fit are closings, and any other status reopens the request. `by` is None
    for the system (the form itself, or the person through their private link); `reason` says why on the timeline.
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
    # Staff marking a request spam is a judgement a Clinic manager confirms (confirm_spam) before the short clock.
    consultation_request.spam_confirmed_at = None
    consultation_request.spam_confirmed_by = None
    if status != Status.SPAM:
        consultation_request.spam_reason = ""
        if status != Status.NEW and consultation_request.first_contacted_at is None:
            consultation_request.first_contacted_at = now
    consultation_request.closed_at = now if status in _CLOSED_STATUSES else None
    consultation_request.save(
        update_fields=[
            "status",
            "spam_reason",
            "spam_marked_at",
            "spam_confirmed_at",
            "spam_confirmed_by",
            "first_contacted_at",
            "closed_at",
        ]
    )
    if status in (Status.SPAM, *_CLOSED_STATUSES):
        # A booked call that will not be made gives its place back to the people still choosing a time.
        released, _ = Booking.objects.filter(consultation_request=consultation_request, starts_at__gt=now).delete()
        if released and not reason:
            reason = "its booked call time released"
    StatusChange.objects.create(
        consultation_request=consultation_request,
        changed_at=now,
        changed_by=by,
        from_status=previous,
        to_status=status,
        reason=reason,
    )
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=[consultation_request],
        detail=f"status: {Status(previous).label} → {Status(status).label}" + (f" ({reason})" if reason else ""),
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


CALL_TIME_MESSAGE = "A call's time must be between when the request arrived and now."
# Clocks differ a little between a staff member's computer and the server.
_CALL_TIME_GRACE = timedelta(minutes=5)


def check_call_attempt_time(*, consultation_request: ConsultationRequest, attempted_at: datetime) -> None:
    """Raise ValidationError unless a call at `attempted_at` could have happened: after the request, not later
    than now."""
    if not consultation_request.created_at - _CALL_TIME_GRACE <= attempted_at <= timezone.now() + _CALL_TIME_GRACE:
        raise ValidationError(CALL_TIME_MESSAGE, code="call_time")


@transaction.atomic
def record_call_attempt(
    *,
    consultation_request: ConsultationRequest,
    by: AbstractBaseUser,
    outcome: CallOutcome,
    note: str = "",
    attempted_at: datetime | None = None,
    now: datetime | None = None,
) -> CallAttempt:
    """Record one call to the person. The first call on a new request means staff are attempting contact.

    A call may be recorded late (`attempted_at`, checked by check_call_attempt_time); the attempt keeps when it was
    recorded (`now`), and the status change and the audit entry it causes are dated then too.
    """
    now = now or timezone.now()
    attempted_at = attempted_at or now
    check_call_attempt_time(consultation_request=consultation_request, attempted_at=attempted_at)
    attempt = CallAttempt.objects.create(
        consultation_request=consultation_request,
        attempted_at=attempted_at,
        recorded_at=now,
        made_by=by,
        outcome=outcome,
        note=note,
    )
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=[consultation_request],
        detail=f"call attempt: {CallOutcome(outcome).label}",
        now=now,
    )
    if consultation_request.status == Status.NEW:
        change_status(consultation_request=consultation_request, status=Status.ATTEMPTING_CONTACT, by=by, now=now)
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


@dataclass(frozen=True)
class SamePerson:
    consultation_request: ConsultationRequest
    why: str  # "the same phone number", "the same email address" or "linked as a duplicate"


_SAME_PERSON_ROUNDS = 10


def requests_of_the_same_person(*, consultation_requests: Collection[ConsultationRequest]) -> list[SamePerson]:
    """The requests not yet erased, in any status, that are most likely from the person who sent
    `consultation_requests` (not among them): the same phone number (in E.164) or email address (whatever its
    case), or linked as a duplicate, followed through every chain: a request found brings its own number, address
    and links. For erasure, which offers them to the manager to tick (a phone may be shared)."""
    known = {request.pk for request in consultation_requests}
    phones_seen: set[str] = set()
    emails_seen: set[str] = set()
    found: list[SamePerson] = []
    newest = list(consultation_requests)
    for _round in range(_SAME_PERSON_ROUNDS):
        phones = {_e164(request.phone) for request in newest if request.phone} - phones_seen
        emails = {request.email.strip().lower() for request in newest if request.email} - emails_seen
        links = {request.pk for request in newest} | {request.duplicate_of_id for request in newest}
        phones_seen |= phones
        emails_seen |= emails
        matches = Q(pk__in=links - {None}) | Q(duplicate_of__in=links - {None}) | Q(phone__in=phones)
        newest = list(
            ConsultationRequest.objects.annotate(email_lower=Lower("email"))
            .filter(matches | Q(email_lower__in=emails), erased_at__isnull=True)
            .exclude(pk__in=known)
            .order_by("created_at")
        )
        if not newest:
            break
        for request in newest:
            known.add(request.pk)
            if _e164(request.phone) in phones_seen:
                why = "the same phone number"
            elif request.email.strip().lower() in emails_seen:
                why = "the same email address"
            else:
                why = "linked as a duplicate"
            found.append(SamePerson(consultation_request=request, why=why))
    return sorted(found, key=lambda same: same.consultation_request.created_at)


def _e164(phone: str) -> str:
    return phones.possible_e164(phone) or phone


def _delete_with_all_that_belongs(consultation_requests: QuerySet[ConsultationRequest]) -> None:
    """Delete requests with their notes, call attempts, timeline and staff emails (the foreign keys cascade) and
    the tasks that sent those emails."""
    delete_task_runs_for(consultation_requests=consultation_requests)
    consultation_requests.delete()


@transaction.atomic
def delete_requests(*, consultation_requests: QuerySet[ConsultationRequest], by: AbstractBaseUser) -> int:
    rows = list(consultation_requests)
    record_audit(actor=by, action=AuditAction.DELETED, consultation_requests=rows)
    _delete_with_all_that_belongs(consultation_requests)
    return len(rows)


def expired_requests(*, now: datetime | None = None) -> dict[str, QuerySet[ConsultationRequest]]:
    """Requests past retention: closed or not a fit for RETENTION_DAYS, spam confirmed SPAM_RETENTION_DAYS ago,
    spam nobody confirmed marked RETENTION_DAYS ago (as long as a closed request), and any other received more than
    MAX_RETENTION_DAYS ago, whatever its status."""
    now = now or timezone.now()
    kept_after_closing = now - timedelta(days=settings.CONSULTATION_RETENTION_DAYS)
    closed = Q(status__in=_CLOSED_STATUSES, closed_at__lt=kept_after_closing)
    spam = Q(status=Status.SPAM, spam_confirmed_at__lt=now - timedelta(days=settings.CONSULTATION_SPAM_RETENTION_DAYS))
    unconfirmed = Q(status=Status.SPAM, spam_confirmed_at__isnull=True, spam_marked_at__lt=kept_after_closing)
    too_old = Q(created_at__lt=now - timedelta(days=settings.CONSULTATION_MAX_RETENTION_DAYS))
    return {
        "closed or not a fit": ConsultationRequest.objects.filter(closed),
        "spam": ConsultationRequest.objects.filter(spam),
        "older than the limit": ConsultationRequest.objects.filter(too_old & ~closed & ~spam & ~unconfirmed),
        "unconfirmed spam": ConsultationRequest.objects.filter(unconfirmed),
    }


@transaction.atomic
def confirm_spam(
    *, consultation_requests: Iterable[ConsultationRequest], by: AbstractBaseUser, now: datetime | None = None
) -> list[ConsultationRequest]:
    """A Clinic manager confirms that requests staff marked spam are spam: from now they are kept only
    SPAM_RETENTION_DAYS. Requests not (or no longer) spam, and spam already confirmed, are left as they are."""
    now = now or timezone.now()
    confirmed = [
        request
        for request in consultation_requests
        if request.status == Status.SPAM and request.spam_confirmed_at is None
    ]
    ConsultationRequest.objects.filter(pk__in=[request.pk for request in confirmed]).update(
        spam_confirmed_at=now, spam_confirmed_by=by
    )
    if confirmed:
        record_audit(
            actor=by, action=AuditAction.CHANGED, consultation_requests=confirmed, detail="spam confirmed", now=now
        )
    return confirmed


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


def expected_call_by(*, submitted_at: datetime) -> datetime | None:
    """When the patient may expect our call: a few hours of opening time after they asked, in the clinic's zone.

    Closures count as closed time. None when the clinic has no opening time recorded ahead.
    """
    try:
        return clinic_clock().expected_by(
            in_clinic_time(submitted_at), timedelta(hours=settings.CONSULTATION_CALLBACK_BUSINESS_HOURS)
        )
    except NoOpeningTime:
        return None


@transaction.atomic
def move_booked_call(
    *, booking: Booking, starts_at: datetime, by: AbstractBaseUser | None, now: datetime | None = None
) -> Booking:
    """Move a booked call to another open time, by staff (`by`) or by the person through their link (None).

    The same rules as booking (booking.take_place): the time must be offered and have a place free. The request
    stays one request; the move is in its audit trail.
    """
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().select_related("consultation_request").get(pk=booking.pk)
    previous = booking.starts_at
    slot = take_place(starts_at, now=now, moving=booking)
    booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
    booking.save(update_fields=["starts_at", "ends_at"])
    consultation_request = booking.consultation_request
    # The best time to call is now the part of the day of the new time, as when a call is booked.
    part_of_day = call_time_of_day(slot.starts_at)
    consultation_request.call_mornings = part_of_day == CallTime.MORNINGS
    consultation_request.call_afternoons = part_of_day == CallTime.AFTERNOONS
    consultation_request.call_evenings = part_of_day == CallTime.EVENINGS
    consultation_request.save(update_fields=["call_mornings", "call_afternoons", "call_evenings"])
    moved = f"{_call_start(previous)} → {_call_start(slot.starts_at)}"
    _note_on_timeline(
        consultation_request=consultation_request,
        reason=f"call moved{'' if by else ' by the person'}: {moved}",
        by=by,
        now=now,
    )
    if by is not None and booking.email_link_hash:
        # Moved by the clinic (a member of staff, or for a closure): the person who asked for email is told.
        record_person_email(consultation_request=consultation_request, kind=NotificationKind.CALL_MOVED, now=now)
    who = "" if by else " by the person, through their link"
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=[consultation_request],
        detail=f"call moved{who}: {moved}",
        now=now,
    )
    logger.info("Call-back request %s: booked call moved", consultation_request)
    return booking


def _note_on_timeline(
    *, consultation_request: ConsultationRequest, reason: str, by: AbstractBaseUser | None, now: datetime
) -> None:
    """Put what happened on the request's timeline, beside its status changes; the status stays as it was."""
    StatusChange.objects.create(
        consultation_request=consultation_request,
        changed_at=now,
        changed_by=by,
        from_status=consultation_request.status,
        to_status=consultation_request.status,
        reason=reason,
    )


def _call_start(moment: datetime) -> str:
    """ "Tue Dec 8, 10:00 am": a booked call's start, short enough for a timeline's reason."""
    moment = in_clinic_time(moment)
    return f"{moment:%a %b} {moment.day}, {call_start_time(moment)}"


@transaction.atomic
def cancel_booked_call(*, booking: Booking, now: datetime | None = None) -> ConsultationRequest:
    """The person cancels their booked call through their link: its place is freed and the request closed, with
    the reason on its timeline."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().select_related("consultation_request").get(pk=booking.pk)
    consultation_request = booking.consultation_request
    booking.delete()
    change_status(
        consultation_request=consultation_request,
        status=Status.CLOSED,
        reason="the person cancelled the call through their link",
        now=now,
    )
    return consultation_request


@transaction.atomic
def release_bookings_made(
    *, booked_from: datetime, booked_until: datetime, by: AbstractBaseUser, now: datetime | None = None
) -> list[ConsultationRequest]:
    """Free the places of the calls still to come that were booked in [booked_from, booked_until): a flood of
    bookings by a script, found after the fact. The requests stay, each promised a call as soon as possible
    instead, with the reason on its timeline and one audit entry; a pause of the breaker in force ends."""
    now = now or timezone.now()
    bookings = bookings_made(booked_from=booked_from, booked_until=booked_until, now=now)
    released = [booking.consultation_request for booking in bookings]
    Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).delete()
    span = f"{in_clinic_time(booked_from):%b %d %H:%M}–{in_clinic_time(booked_until):%b %d %H:%M}"
    reason = f"booked call released by a manager (booked {span})"
    due_by = expected_call_by(submitted_at=now)
    for consultation_request in released:
        consultation_request.due_by = due_by
        consultation_request.save(update_fields=["due_by"])
        _note_on_timeline(consultation_request=consultation_request, reason=reason, by=by, now=now)
    record_audit(
        actor=by,
        action=AuditAction.CHANGED,
        consultation_requests=released,
        detail=f"booked calls released: those booked {span}",
        now=now,
    )
    BookingPause.objects.filter(ended_at__isnull=True, ends_at__gt=now).update(ended_at=now)
    logger.info("Booked calls released: %s", len(released))
    return released
