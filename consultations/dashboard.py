"""The figures the admin index shows about the queue and the staff emails (reads only)."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from clinic.facts import facts_version
from consultations.booking import current_pause
from consultations.figures import median_hours_to_first_call
from consultations.models import ConsultationRequest, NotificationStatus, StaffNotification, Status
from consultations.outbox import INTAKE_STAFF_GROUP, due_notifications, notification_recipients
from portland_site.clinic import day_in_words, format_time
from portland_site.clinic_time import in_clinic_time
from portland_site.redis_cache import or_none

# A notification due this long ago and still not sent means no worker is running.
_WORKER_SILENT_AFTER = timedelta(minutes=10)
# Emails waiting after a failed attempt, and none sent for this long: sending is failing, not one email. Staff are
# told within this long of the first failed send (at once when nothing was sent in this long before it).
_MAIL_SILENT_AFTER = timedelta(minutes=2)
# Sends are slow when the median of the last few, within this long, took EMAIL_SLOW_SECONDS or more.
_SLOW_SENDS_WITHIN = timedelta(minutes=15)
_SLOW_SENDS_LOOKED_AT = 5
# The median reads a month of called requests and counts their opening hours in Python: on a busy queue, most of
# the admin index's time. The hosts share it for this long; new hours or closures (a new facts version) measure
# it again at once.
_MEDIAN_SECONDS = 60


@dataclass(frozen=True)
class TriageFigures:
    by_status: list[tuple[str, str, int]]  # (status, label, count), every status, in workflow order
    overdue: int
    received_7_days: int
    received_30_days: int
    # Opening hours from arrival to the first call attempt (figures.hours_to_first_call, as the manager's figures
    # page measures it), over the requests received in the last 30 days and called; None when none was called.
    median_hours_to_first_call: float | None


def _median_of_last_30_days(now: datetime) -> float | None:
    return median_hours_to_first_call(received_from=now - timedelta(days=30), received_before=now)


def _recent_median_of_last_30_days(now: datetime) -> float | None:
    """`_median_of_last_30_days` as measured in the last minute (by any host), or measured now."""
    key = f"dashboard:median-hours-to-first-call:{facts_version()}"
    held = or_none(cache.get, key)
    if held is not None:
        return held["median"]
    median = _median_of_last_30_days(now)
    or_none(cache.set, key, {"median": median}, _MEDIAN_SECONDS)
    return median


def triage_figures(now: datetime | None = None) -> TriageFigures:
    """Spam is left out of the received counts: it is not demand. Without `now` (the admin index), the median
    may be up to a minute old."""
    median = _median_of_last_30_days(now) if now else _recent_median_of_last_30_days(timezone.now())
    now = now or timezone.now()
    requests = ConsultationRequest.objects.order_by()
    counts = dict(requests.values_list("status").annotate(count=Count("pk")))
    received = requests.exclude(status=Status.SPAM).aggregate(
        last_7=Count("pk", filter=Q(created_at__gte=now - timedelta(days=7))),
        last_30=Count("pk", filter=Q(created_at__gte=now - timedelta(days=30))),
    )
    return TriageFigures(
        by_status=[(status.value, status.label, counts.get(status.value, 0)) for status in Status],
        overdue=requests.overdue(now).count(),
        received_7_days=received["last_7"],
        received_30_days=received["last_30"],
        median_hours_to_first_call=median,
    )


@dataclass(frozen=True)
class NotificationHealth:
    recipients: int
    failed: int
    # Due for a while and not sent: no worker seems to be running.
    waiting: int
    # Waiting to be tried again after a failed attempt, while none was sent lately: mail is not going out.
    retrying: int = 0
    last_error: str = ""
    # The median time of the latest sends, when it is EMAIL_SLOW_SECONDS or more; 0 otherwise.
    slow_send_seconds: float = 0

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
        if self.retrying:
            problems.append(
                f"Staff emails are not going out: the mail server answered \u201c{self.last_error}\u201d and none "
                f"was sent in the last {_MAIL_SILENT_AFTER.seconds // 60} minutes. {self.retrying} email(s) are "
                "waiting and will be tried again. New call-back requests are still stored: check the queue for new "
                "ones."
            )
        elif self.slow_send_seconds:
            problems.append(
                f"Staff emails are slow to send: the latest took about {self.slow_send_seconds:.0f} seconds each (the "
                f"mail server answers slowly). They still go out; a send that takes over "
                f"{settings.EMAIL_SEND_TIMEOUT:g} seconds is given up and tried again later, so check the queue too."
            )
        if self.waiting:
            problems.append(f"{self.waiting} staff email(s) are waiting to be sent: is the worker running?")
        return problems


def notification_health(*, now: datetime | None = None) -> NotificationHealth:
    """What the admin dashboard should warn about: no recipients, failed emails, sends failing now, emails no
    worker picks up."""
    now = now or timezone.now()
    retrying = StaffNotification.objects.filter(status=NotificationStatus.PENDING, attempts__gt=0)
    sent_lately = StaffNotification.objects.filter(
        status=NotificationStatus.SENT, sent_at__gte=now - _MAIL_SILENT_AFTER
    ).exists()
    mail_failing = not sent_lately and retrying.exists()
    return NotificationHealth(
        recipients=len(notification_recipients()),
        failed=StaffNotification.objects.filter(status=NotificationStatus.FAILED).count(),
        waiting=due_notifications(now=now - _WORKER_SILENT_AFTER).count(),
        retrying=retrying.count() if mail_failing else 0,
        # The errors speak of our mail server and staff addresses only (emails.describe_failure).
        last_error=retrying.order_by("-next_attempt_at").values_list("last_error", flat=True).first()
        if mail_failing
        else "",
        slow_send_seconds=_slow_sends(now),
    )


def _slow_sends(now: datetime) -> float:
    latest = list(
        StaffNotification.objects.filter(
            status=NotificationStatus.SENT, sent_at__gte=now - _SLOW_SENDS_WITHIN, send_seconds__isnull=False
        )
        .order_by("-sent_at")
        .values_list("send_seconds", flat=True)[:_SLOW_SENDS_LOOKED_AT]
    )
    median = statistics.median(latest) if latest else 0
    return median if median >= settings.EMAIL_SLOW_SECONDS else 0


def _moment_in_words(moment: datetime) -> str:
    local = in_clinic_time(moment)
    return f"{format_time(local.time())} on {day_in_words(local)}"


def booking_pause_warning(*, now: datetime | None = None) -> str:
    """What the dashboard says while the booking breaker has stopped the offer of call times; "" otherwise."""
    pause = current_pause(now=now)
    if pause is None:
        return ""
    return (
        f"The form stopped offering call times at {_moment_in_words(pause.started_at)}: "
        f"{pause.booked_in_hour} calls were booked in the hour before (usually about {pause.usual_per_hour:.1f} an "
        f"hour). It offers them again from {_moment_in_words(pause.ends_at)}; until then people can "
        "ask to be called as soon as possible. Check the calls booked in that hour: if a script booked them, a "
        "Clinic manager can release them."
    )


def spam_awaiting_confirmation() -> int:
    """Requests staff marked spam that no Clinic manager has confirmed: kept as long as closed ones until then."""
    return ConsultationRequest.objects.filter(status=Status.SPAM, spam_confirmed_at__isnull=True).count()
