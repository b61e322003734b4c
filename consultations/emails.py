"""Emails, to staff and to the person about their booked call: what they say and how an SMTP failure is read.
Never anything a person typed into the form."""

import smtplib
from datetime import datetime
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac

from clinic.facts import current_facts
from consultations.booking import emailed_link_token, promise_to_patient
from consultations.models import PERSON_KINDS, Booking, ConsultationRequest, NotificationKind, StaffNotification
from consultations.promises import promise_in_words
from portland_site.clinic_time import in_clinic_time


def admin_link(consultation_request: ConsultationRequest) -> str:
    path = reverse("admin:consultations_consultationrequest_change", args=[consultation_request.pk])
    return f"{settings.SITE_URL}{path}"


def _context(notification: StaffNotification, overdue: list[ConsultationRequest], now: datetime) -> dict:
    if notification.kind == NotificationKind.NEW_REQUEST:
        consultation_request = notification.consultation_request
        return {
            "reference": consultation_request.reference_display,
            "received_at": in_clinic_time(consultation_request.created_at),
            # The time as it stands when the email goes: a call moved meanwhile shows its new time.
            "promised": promise_in_words(consultation_request),
            "admin_link": admin_link(consultation_request),
        }
    if notification.kind == NotificationKind.ERROR_REPORT:
        return {"details": notification.details, "happened_at": in_clinic_time(notification.created_at)}
    queue_path = reverse("admin:consultations_consultationrequest_changelist")
    return {
        "now": in_clinic_time(now),
        "sla_hours": settings.CONSULTATION_SLA_BUSINESS_HOURS,
        "overdue": [
            {
                "reference": overdue_request.reference_display,
                "received_at": in_clinic_time(overdue_request.created_at),
                "admin_link": admin_link(overdue_request),
            }
            for overdue_request in overdue
        ],
        # The queue's own overdue view, as the dashboard links to it.
        "overdue_link": f"{settings.SITE_URL}{queue_path}?overdue=yes",
    }


def message_id(notification: StaffNotification) -> str:
    """The same for every attempt at one notification: when a copy arrives twice (the server took the message
    but its answer was lost, or the worker was killed before recording it), mail systems can drop the second.
    A keyed hash, so the ID neither counts the clinic's emails nor repeats across installations."""
    digest = salted_hmac("consultations.message-id", str(notification.pk), algorithm="sha256").hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<staff-notification.{digest}@{domain}>"


class NothingToSend(Exception):
    """An email to the person that has no one to go to any more: the call was cancelled, or the address erased."""


def _person_context(notification: StaffNotification, now: datetime) -> dict:
    consultation_request = notification.consultation_request
    booking = Booking.objects.filter(consultation_request=consultation_request).first()
    if booking is None or not consultation_request.email:
        raise NothingToSend("Not sent: the call was cancelled or the email address removed.")
    link = reverse("consultations:private_link", args=[emailed_link_token(booking)])
    return {
        # As the call stands when the email goes: a call moved meanwhile shows its new time.
        "promise": promise_to_patient(booking=booking, now=now),
        "moved": notification.kind == NotificationKind.CALL_MOVED,
        "reference": consultation_request.reference_display,
        "private_link": f"{settings.SITE_URL}{link}",
        "phone": current_facts().clinic.phone,
    }


def _sender(notification: StaffNotification) -> str:
    """The site's address; for the person, under the clinic's discreet sender name (a clinic fact)."""
    if notification.kind not in PERSON_KINDS:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((current_facts().clinic.email_sender_name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def send_notification(*, notification: StaffNotification, overdue: list[ConsultationRequest], now: datetime) -> None:
    """Send one email (a staff digest lists `overdue`); raises smtplib's errors or OSError on failure, and
    NothingToSend for an email to the person that has no one to go to any more."""
    template = f"consultations/email/{notification.kind}"
    if notification.kind in PERSON_KINDS:
        context, to = _person_context(notification, now), notification.consultation_request.email
    else:
        context, to = (
            {**_context(notification, overdue, now), "clinic_name": settings.CLINIC_NAME},
            notification.recipient,
        )
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=_sender(notification),
        to=[to],
        headers={"Message-ID": message_id(notification)},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def describe_failure(error: OSError) -> tuple[bool, str]:
    """Whether an SMTP failure is permanent (a 5xx reply), and what to record about it.

    Refused connections, timeouts, dropped connections and 4xx replies are temporary. Replies speak of our
    server, our sender and the staff recipient only: nothing about the person who asked for a call-back.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return code >= 500, f"{code} {reply.decode(errors='replace')}"
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return error.smtp_code >= 500, f"{error.smtp_code} {reply}"
    return False, f"{type(error).__name__}: {error}"
