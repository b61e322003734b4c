"""Call-back requests: what a person sent through the form, and where staff are with it."""

import phonenumbers
from django.conf import settings
from django.db import models
from django.db.models import Q


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
    privacy_notice_agreed_at = models.DateTimeField(editable=False)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    spam_reason = models.CharField(max_length=16, choices=SpamReason.choices, blank=True)
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

    class Meta:
        ordering = ["-created_at"]
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
                condition=Q(spam_reason__in=["", *SpamReason.values])
                & (Q(spam_reason="") | Q(status=Status.SPAM)),
                name="consultation_spam_reason_only_on_spam",
            ),
            models.CheckConstraint(
                condition=Q(call_mornings=True) | Q(call_afternoons=True) | Q(call_evenings=True),
                name="consultation_has_a_call_time",
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
        number = phonenumbers.parse(self.phone)
        style = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 1
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, style)

    @property
    def call_times(self) -> list[CallTime]:
        chosen = (
            (CallTime.MORNINGS, self.call_mornings),
            (CallTime.AFTERNOONS, self.call_afternoons),
            (CallTime.EVENINGS, self.call_evenings),
        )
        return [time for time, wanted in chosen if wanted]


class NotificationKind(models.TextChoices):
    NEW_REQUEST = "new_request", "New request"
    OVERDUE_DIGEST = "overdue_digest", "Overdue digest"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class StaffNotification(models.Model):
    """One email to one member of staff, recorded before it is sent (the outbox).

    Only references, times and admin links are ever put in these emails, never what the person typed.
    """

    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    # Empty for a digest, which is about all overdue requests at the moment it is sent.
    consultation_request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_notifications"
    )
    recipient = models.EmailField()
    status = models.CharField(max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # While sending: when another worker may take over, if this one died mid-send.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]
        permissions = [("resend_staffnotification", "Can resend a staff notification")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.NEW_REQUEST, consultation_request__isnull=False)
                | Q(kind=NotificationKind.OVERDUE_DIGEST, consultation_request__isnull=True),
                name="notification_request_only_for_new_request",
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
