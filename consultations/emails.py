"""Staff emails: what they say and how an SMTP failure is read. Never anything a person typed into the form."""

import smtplib
from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac

from consultations.models import ConsultationRequest, NotificationKind, StaffNotification
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


def send_notification(*, notification: StaffNotification, overdue: list[ConsultationRequest], now: datetime) -> None:
    """Send one staff email (a digest lists `overdue`); raises smtplib's errors or OSError on failure."""
    template = f"consultations/email/{notification.kind}"
    context = {**_context(notification, overdue, now), "clinic_name": settings.CLINIC_NAME}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[notification.recipient],
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
