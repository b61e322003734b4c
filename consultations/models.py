"""Call-back requests: what a person sent through the form, and where staff are with it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from consultations.promises import past_overdue
from portland_site import phones
from portland_site.clinic_time import in_clinic_time


class Status(models.TextChoices):
    NEW = "new", "New"
    ATTEMPTING_CONTACT = "attempting_contact", "Attempting contact"
    CONSULTATION_SCHEDULED = "consultation_scheduled", "Consultation scheduled"
    NOT_A_FIT = "not_a_fit", "Not a fit"
    CLOSED = "closed", "Closed"
    SPAM = "spam", "Spam"


# Requests staff still have to act on: a new request from the same phone is a duplicate of one of these.
OPEN_STATUSES = (Status.NEW, Status.ATTEMPTING_CONTACT)


class CallTime(models.TextChoices):
    MORNINGS = "mornings", "Weekday mornings"
    AFTERNOONS = "afternoons", "Weekday afternoons"
    EVENINGS = "evenings", "Weekday evenings"


class RequestFor(models.TextChoices):
    MYSELF = "myself", "Myself"
    SOMEONE_I_CARE_ABOUT = "someone_i_care_about", "Someone I care about"


class SpamReason(models.TextChoices):
    HONEYPOT = "honeypot", "Filled in the field hidden from people"
    TOO_FAST = "too_fast", "Sent less than 3 seconds after the form was opened"


def _overdue(now: datetime | None) -> Q:
    """Still new when its promise has passed (see consultations/promises.py)."""
    return Q(status=Status.NEW) & past_overdue(now)


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self) -> "ConsultationRequestQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: datetime | None = None) -> "ConsultationRequestQuerySet":
        """Overdue requests, as the queue, the dashboard and the staff digest count them."""
        return self.filter(_overdue(now))

    def not_overdue(self, now: datetime | None = None) -> "ConsultationRequestQuerySet":
        return self.exclude(_overdue(now))

    def with_triage_figures(self, now: datetime | None = None) -> "ConsultationRequestQuerySet":
        """Adds `is_overdue`, `call_attempt_count` and `promised_at` (the booked call's start, or when an "as soon
        as you can" call is due), so that a list of requests costs one query."""
        # A subquery rather than a join and GROUP BY: the database counts only for the rows on the page.
        attempts = (
            CallAttempt.objects.filter(consultation_request=OuterRef("pk"))
            .order_by()
            .values("consultation_request")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            is_overdue=Case(When(_overdue(now), then=Value(True)), default=Value(False), output_field=BooleanField()),
            call_attempt_count=Coalesce(Subquery(attempts), 0),
            promised_at=Coalesce("booking__starts_at", "due_by"),
        )


def grouped_reference(reference: str) -> str:
    """A reference as people read it aloud: two groups of four, e.g. K7QM-3XTD."""
    return f"{reference[:4]}-{reference[4:]}"


class ConsultationRequest(models.Model):
    reference = models.CharField(max_length=8, unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    name = models.CharField("what to call them", max_length=60)
    phone = models.CharField(max_length=16, help_text="In E.164 form, e.g. +12075550142.")
    call_mornings = models.BooleanField("weekday mornings")
    call_afternoons = models.BooleanField("weekday afternoons")
    call_evenings = models.BooleanField("weekday evenings")
    voicemail_ok = models.BooleanField("may leave a voicemail")
    email = models.EmailField(blank=True)
    request_for = models.CharField("request is for", max_length=24, choices=RequestFor.choices)
    message = models.CharField(max_length=500, blank=True)
    # The form says what the privacy notice covers, with a link, beside its send button; it asks no one to tick a
    # box to agree (docs/security.md says why). This is when the person sent the form under that notice.
    privacy_notice_shown_at = models.DateTimeField(editable=False)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    spam_reason = models.CharField(max_length=16, choices=SpamReason.choices, blank=True)
    # Spam is kept CONSULTATION_SPAM_RETENTION_DAYS from this moment, not from arrival: marking an old request as
    # spam must not get it deleted that night by someone who may not delete.
    spam_marked_at = models.DateTimeField("marked spam at", null=True, blank=True, editable=False)
    # Spam is deleted on its short clock only once confirmed: by the form's own checks (spam_reason), or by a Clinic
    # manager for a request staff marked spam; until then it is kept as long as a closed request.
    spam_confirmed_at = models.DateTimeField("spam confirmed at", null=True, blank=True, editable=False)
    spam_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="spam confirmed by",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultation_requests",
    )
    first_contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # The form's one-time token: a second POST of the same form finds the first request instead of a new one.
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    # Set when a manager erased the personal fields at the person's request.
    erased_at = models.DateTimeField("personal data erased at", null=True, blank=True, editable=False)
    # "As soon as you can": when the person was told to expect the call (opening hours and closures counted). A
    # request with a booked call time has none; the booking holds its promise (see `promised_at`).
    due_by = models.DateTimeField("call due by", null=True, blank=True, editable=False)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        # What staff call it everywhere (the admin's titles and messages too), though the code says consultation.
        verbose_name = "call-back request"
        ordering = ["-created_at"]
        permissions = [
            ("export_consultationrequest", "Can export call-back requests as CSV"),
            ("erase_consultationrequest", "Can erase the personal data of a call-back request"),
            ("confirm_spam_consultationrequest", "Can confirm that a request is spam (deleted sooner)"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="consultation_triage_queue"),
            models.Index(fields=["phone", "created_at"], name="consultation_phone_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="consultation_status_valid"),
            models.CheckConstraint(
                condition=Q(request_for__in=RequestFor.values), name="consultation_request_for_valid"
            ),
            models.CheckConstraint(
                condition=Q(spam_reason__in=["", *SpamReason.values]) & (Q(spam_reason="") | Q(status=Status.SPAM)),
                name="consultation_spam_reason_only_on_spam",
            ),
            models.CheckConstraint(
                condition=Q(call_mornings=True) | Q(call_afternoons=True) | Q(call_evenings=True),
                name="consultation_has_a_call_time",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.SPAM, spam_marked_at__isnull=False)
                | (~Q(status=Status.SPAM) & Q(spam_marked_at__isnull=True)),
                name="consultation_spam_marked_at_only_on_spam",
            ),
            models.CheckConstraint(
                condition=Q(spam_confirmed_at__isnull=True) | Q(status=Status.SPAM),
                name="consultation_spam_confirmed_only_on_spam",
            ),
        ]

    def __str__(self) -> str:
        # Never personal data: this string reaches admin history and log lines.
        return self.reference_display

    @property
    def reference_display(self) -> str:
        return grouped_reference(self.reference)

    @property
    def phone_display(self) -> str:
        """National format for North American (+1) numbers, international format (with +) for others."""
        if not self.phone:
            return ""
        return phones.for_display(self.phone)

    @property
    def call_times(self) -> list[CallTime]:
        chosen = (
            (CallTime.MORNINGS, self.call_mornings),
            (CallTime.AFTERNOONS, self.call_afternoons),
            (CallTime.EVENINGS, self.call_evenings),
        )
        return [time for time, wanted in chosen if wanted]


class Booking(models.Model):
    """The call time a person chose: it takes one of its window's places. Deleted when the person cancels.

    The private link that lets the person move or cancel it is known only by its SHA-256 hash.
    """

    consultation_request = models.OneToOneField(
        ConsultationRequest, on_delete=models.CASCADE, related_name="booking", verbose_name="call-back request"
    )
    starts_at = models.DateTimeField("call at")
    ends_at = models.DateTimeField()
    booked_at = models.DateTimeField(editable=False)
    change_link_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Set when the person asked for email about the call: the hash of the private link those emails carry
    # (booking.emailed_link_token), a second link to the same call. Empty: no emails.
    email_link_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["starts_at"], name="booking_starts_at"),
            models.Index(fields=["email_link_hash"], name="booking_email_link_hash"),
            # The breaker counts the bookings of the last hour (booking.py), and a release finds a range of them.
            models.Index(fields=["booked_at"], name="booking_booked_at"),
        ]
        permissions = [("release_booking", "Can release the call times booked in a time range")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"call for {self.consultation_request}"


class BookingPause(models.Model):
    """A stop to offering call times, started when far more calls were booked in an hour than usual (booking.py's
    breaker). It lasts until `ends_at`, or until a manager releases the bookings of that hour (`ended_at`)."""

    started_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    booked_in_hour = models.PositiveIntegerField("calls booked in the hour before", editable=False)
    usual_per_hour = models.FloatField("usual calls booked an hour", editable=False)
    ended_at = models.DateTimeField("ended early at", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("started_at")), name="booking_pause_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"booking paused at {self.started_at:%Y-%m-%d %H:%M}"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    LEFT_VOICEMAIL = "left_voicemail", "Left voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    DECLINED = "declined", "Declined"


# A call recorded more than this after the time given for it is a late entry: the figures count it as made this
# long before it was recorded, so that a backdated entry can't make a request look called within the promise.
LATE_ENTRY_GRACE = timedelta(hours=1)


class CallAttempt(models.Model):
    consultation_request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="call_attempts", verbose_name="call-back request"
    )
    attempted_at = models.DateTimeField("when", default=timezone.now)
    # When staff entered it, which the figures trust more than a time typed for the past (LATE_ENTRY_GRACE).
    recorded_at = models.DateTimeField("recorded at", default=timezone.now, editable=False)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="who"
    )
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices)
    note = models.CharField("short note", max_length=200, blank=True)

    class Meta:
        ordering = ["attempted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=CallOutcome.values), name="call_attempt_outcome_valid"),
        ]

    def __str__(self) -> str:
        # Never the note: this string reaches admin history ("Added call attempt “No answer”").
        return self.get_outcome_display()

    @property
    def recorded_late(self) -> bool:
        return self.recorded_at - self.attempted_at > LATE_ENTRY_GRACE


class Note(models.Model):
    """An internal note by staff; never shown to the person."""

    consultation_request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="notes", verbose_name="call-back request"
    )
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["written_at"]

    def __str__(self) -> str:
        # Never the text: this string reaches admin history.
        return f"#{self.pk}"


class StatusChange(models.Model):
    """One step of a request's timeline, written only by the services: a status change (change_status), or a booked
    call moved (move_booked_call: the same status before and after, the move in `reason`)."""

    consultation_request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="status_changes", verbose_name="call-back request"
    )
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=24, choices=Status.choices)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=Status.values) & Q(to_status__in=Status.values),
                name="status_change_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class AuditAction(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    SEARCHED = "searched", "Searched"
    CHANGED = "changed", "Changed"
    EXPORTED = "exported", "Exported"
    ERASED = "erased", "Erased personal data"
    DELETED = "deleted", "Deleted"
    PURGED = "purged", "Purged (retention)"


class AuditEntry(models.Model):
    """Append-only: who did what to which requests. Never holds personal values, only references and field names.

    References are kept as text, not foreign keys, so that the trail outlives deleted and purged requests.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="who"
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    references = models.TextField(help_text="The requests concerned, by reference, separated by spaces.")
    row_count = models.PositiveIntegerField("how many")
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="audit_entry_action_valid"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} {self.row_count} at {date_format(in_clinic_time(self.at), 'DATETIME_FORMAT')}"
        )


class NotificationKind(models.TextChoices):
    NEW_REQUEST = "new_request", "New request"
    OVERDUE_DIGEST = "overdue_digest", "Overdue digest"
    ERROR_REPORT = "error_report", "Error report"  # to ADMINS: a page failed (consultations/error_reports.py)
    CALL_BOOKED = "call_booked", "To the person: their booked call"
    CALL_MOVED = "call_moved", "To the person: their call moved"


# Emails to the person who asked for a call, not to staff: they go to the request's address as it is when sent.
PERSON_KINDS = (NotificationKind.CALL_BOOKED, NotificationKind.CALL_MOVED)


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class StaffNotification(models.Model):
    """One email, recorded before it is sent (the outbox): to one member of staff, or to the person about their
    booked call (PERSON_KINDS), when they asked for that.

    Only references, times and links are ever put in these emails, never what the person typed.
    """

    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    # Empty for a digest, which is about all overdue requests at the moment it is sent.
    consultation_request = models.ForeignKey(
        ConsultationRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_notifications",
        verbose_name="call-back request",
    )
    # Empty for an email to the person: it is sent to the request's address, so erasing that leaves no copy here.
    recipient = models.EmailField(blank=True)
    status = models.CharField(max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # While sending: when another worker may take over, if this one died mid-send.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # How long the last attempt took, connecting to QUIT: the dashboard warns when sends become slow.
    send_seconds = models.FloatField(null=True, blank=True)
    # An error report's text (portland_site.error_reports.report_text: no message, no variable, scrubbed).
    details = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]
        permissions = [("resend_staffnotification", "Can resend a staff notification")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[NotificationKind.OVERDUE_DIGEST, NotificationKind.ERROR_REPORT],
                    consultation_request__isnull=True,
                )
                | (
                    ~Q(kind__in=[NotificationKind.OVERDUE_DIGEST, NotificationKind.ERROR_REPORT])
                    & Q(consultation_request__isnull=False)
                ),
                name="notification_request_unless_digest_or_error_report",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PERSON_KINDS, recipient="") | (~Q(kind__in=PERSON_KINDS) & ~Q(recipient="")),
                name="notification_address_only_for_staff",
            ),
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.SENDING) | Q(claimed_until__isnull=True),
                name="notification_claimed_only_while_sending",
            ),
            # Exactly one email per recipient for each request, however often anything is retried.
            models.UniqueConstraint(
                fields=["consultation_request", "recipient"],
                condition=Q(kind=NotificationKind.NEW_REQUEST),
                name="notification_once_per_request_and_recipient",
            ),
        ]

    def __str__(self) -> str:
        about = self.consultation_request or self.get_kind_display().lower()
        return f"{about} to {self.recipient}"
