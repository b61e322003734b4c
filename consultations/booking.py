"""Booking a call time: the open times the form offers (from the call capacity, clinic/capacity.py, less the
places taken), and the bookings themselves, with the private link that lets a person move or cancel theirs.

Capacity is enforced by the database: a booking locks its call window's row (SELECT … FOR UPDATE) before it
counts the places taken, so two people taking the last place at once are served one after the other, and a
capacity change in the admin takes the same locks before it checks the calls already booked.
"""

import hashlib
import logging
import math
import secrets
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import icalendar
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from clinic.capacity import (
    CallDay,
    CallSlot,
    WindowSpec,
    booking_days,
    call_times,
    held_slot,
    parse_slot_value,
    window_spec,
)
from clinic.clock import clinic_clock
from clinic.models import CallWindow
from consultations.models import OPEN_STATUSES, Booking, BookingPause, CallOutcome, CallTime, ConsultationRequest
from portland_site.clinic import by_when, call_start_time, call_time_in_words, day_in_words
from portland_site.clinic_time import clinic_days, in_clinic_time

logger = logging.getLogger(__name__)

CHANGE_LINK_BYTES = 32


class TimeNotOffered(Exception):
    """The time asked for is not one the clinic offers now: never offered, past, too soon or closed."""

    message = "That time is not one we can offer any more. Please choose another time from the list."


class BookingsPaused(TimeNotOffered):
    """The breaker has stopped offering call times for a while: far more were booked in an hour than usual."""

    message = "We can't book call times just now."


class AlreadyBooked(Exception):
    """This phone number already has a call booked that is still to come: a second one would take a place twice."""


class TimeTaken(TimeNotOffered):
    """Every place at the time asked for was taken, perhaps a moment ago by someone else."""

    message = "Sorry, someone else has just taken that time. Please choose another time from the list."


def _places_taken(starts: list[datetime], *, excluding: Booking | None = None) -> Counter:
    if not starts:
        return Counter()
    bookings = Booking.objects.filter(starts_at__gte=min(starts), starts_at__lte=max(starts))
    if excluding is not None:
        bookings = bookings.exclude(pk=excluding.pk)
    return Counter(bookings.values_list("starts_at", flat=True))


def open_call_times(*, now: datetime | None = None, excluding: Booking | None = None) -> list[CallDay]:
    """The times the clinic can still offer, by day: one query whatever the number of times (the places taken;
    the capacity is read with the clinic's facts). `excluding` is a booking being moved: its own place does not
    count as taken."""
    now = now or timezone.now()
    times = call_times(in_clinic_time(now).date())
    earliest = now + times.notice
    candidates = [(slot, places) for slot, places in times.slots if slot.starts_at >= earliest]
    taken = _places_taken([slot.starts_at for slot, _ in candidates], excluding=excluding)
    days: dict[date, list[CallSlot]] = {}
    for slot, places in candidates:
        if taken[slot.starts_at] < places:
            days.setdefault(slot.starts_at.date(), []).append(slot)
    return [CallDay(day=day, slots=tuple(slots)) for day, slots in days.items()]


def kept_call_days(value: str) -> list[CallDay]:
    """While the database does not answer: the time `value` names alone, so that the form shown again keeps the
    person's choice. Its end as this process last listed it, else only its start (the end is a clinic fact)."""
    starts_at = parse_slot_value(value)
    if starts_at is None:
        return []
    local = in_clinic_time(starts_at)
    slot = held_slot(value) or CallSlot(starts_at=local, ends_at=local)
    return [CallDay(day=slot.starts_at.date(), slots=(slot,))]


def nearest_open_times(days: list[CallDay], around: datetime, *, count: int = 3) -> list[CallSlot]:
    """The open times closest to `around` (the one somebody else just took), for the message that says so."""
    slots = [slot for day in days for slot in day.slots]
    return sorted(slots, key=lambda slot: abs(slot.starts_at - around))[:count]


def _lock_window_for(starts_at: datetime, now: datetime) -> tuple[CallWindow, CallSlot]:
    """Lock the window a call at `starts_at` belongs to, after checking that the form may offer that time.

    Raises TimeNotOffered when it may not. Called inside a transaction.
    """
    local = in_clinic_time(starts_at)
    rows = CallWindow.objects.select_for_update().select_related("rules").filter(weekday=local.weekday())
    window = next(
        (
            window
            for window in rows.filter(starts__lte=local.time(), ends__gt=local.time()).order_by("pk")
            if window_spec(window).holds(local)
        ),
        None,
    )
    if window is None or local < now + timedelta(hours=window.rules.notice_hours):
        raise TimeNotOffered
    # The same days as the form's list: the next BOOKING_DAYS days with call windows, closures left out.
    weekdays = set(CallWindow.objects.values_list("weekday", flat=True))
    if local.date() not in booking_days(weekdays, clinic_clock(), in_clinic_time(now).date()):
        raise TimeNotOffered
    return window, CallSlot(starts_at=local, ends_at=local + timedelta(minutes=window.call_minutes))


def take_place(starts_at: datetime, *, now: datetime, moving: Booking | None = None) -> CallSlot:
    """Check that the form may offer `starts_at`, lock its window and count its places; the slot to book.

    Raises TimeNotOffered or TimeTaken. Call it inside the transaction that then writes the booking: the lock
    lasts until that transaction ends. `moving` is a booking changing time: its own place is not counted.
    """
    window, slot = _lock_window_for(starts_at, now)
    taken = Booking.objects.filter(starts_at=slot.starts_at)
    if moving is not None:
        taken = taken.exclude(pk=moving.pk)
    if taken.count() >= window.places:
        raise TimeTaken
    return slot


# The breaker: when far more calls are booked in an hour than usual (a script booking out every time), the form
# stops offering times for BOOKING_PAUSE_HOURS and the staff dashboard says why. "Usual" is the average hourly
# rate of the last USUAL_RATE_DAYS; the threshold is BOOKING_BREAKER_FACTOR times it, and never less than
# BOOKING_BREAKER_FLOOR_PER_HOUR, so that a quiet fortnight does not make a busy morning look like an attack.
USUAL_RATE_DAYS = 14


def usual_bookings_per_hour(*, now: datetime) -> float:
    hour_ago = now - timedelta(hours=1)
    before = Booking.objects.filter(booked_at__gte=now - timedelta(days=USUAL_RATE_DAYS), booked_at__lt=hour_ago)
    return before.count() / (USUAL_RATE_DAYS * 24 - 1)


def breaker_threshold(usual_per_hour: float) -> int:
    """How many bookings in one hour trip the breaker."""
    return max(settings.BOOKING_BREAKER_FLOOR_PER_HOUR, math.ceil(settings.BOOKING_BREAKER_FACTOR * usual_per_hour))


def current_pause(*, now: datetime | None = None) -> BookingPause | None:
    """The pause in force, if the breaker has stopped the booking of call times."""
    now = now or timezone.now()
    return BookingPause.objects.filter(started_at__lte=now, ends_at__gt=now, ended_at__isnull=True).first()


def check_breaker(*, now: datetime) -> None:
    """Raise BookingsPaused while a pause is in force, or when one more booking would reach the hour's threshold,
    which starts a pause. Called before the transaction that books, so that the pause it starts is kept."""
    if current_pause(now=now) is not None:
        raise BookingsPaused
    booked_in_hour = Booking.objects.filter(booked_at__gt=now - timedelta(hours=1)).count()
    usual = usual_bookings_per_hour(now=now)
    if booked_in_hour >= breaker_threshold(usual):
        BookingPause.objects.create(
            started_at=now,
            ends_at=now + timedelta(hours=settings.BOOKING_PAUSE_HOURS),
            booked_in_hour=booked_in_hour,
            usual_per_hour=usual,
        )
        logger.warning("Booking call times paused: %s booked in an hour (usually %.1f)", booked_in_hour, usual)
        raise BookingsPaused


def bookings_made(*, booked_from: datetime, booked_until: datetime, now: datetime | None = None) -> list[Booking]:
    """The calls still to come that were booked in [booked_from, booked_until), in the order they were booked."""
    return list(
        Booking.objects.filter(
            booked_at__gte=booked_from, booked_at__lt=booked_until, ends_at__gt=now or timezone.now()
        )
        .select_related("consultation_request")
        .order_by("booked_at", "pk")
    )


def upcoming_booking_for_phone(phone: str, *, now: datetime) -> Booking | None:
    """The call still to come that an open request from this phone number (E.164) has booked, if any."""
    return (
        Booking.objects.select_related("consultation_request")
        .filter(consultation_request__phone=phone, consultation_request__status__in=OPEN_STATUSES, ends_at__gt=now)
        .first()
    )


def lock_phone(phone: str) -> None:
    """Serialise bookings from one phone number until the transaction ends, so that two sent at once can't both
    book. The lock's key is a hash: the number itself never reaches the database's lock table or its log."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"booking-phone:{phone}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def call_time_of_day(starts_at: datetime) -> CallTime:
    """The part of the day a booked call falls in, for the request's best times to call."""
    hour = in_clinic_time(starts_at).hour
    if hour < 12:
        return CallTime.MORNINGS
    return CallTime.AFTERNOONS if hour < 17 else CallTime.EVENINGS


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_change_link() -> tuple[str, str]:
    """A token for a private change link and the hash to store; the token itself is given to the person only."""
    token = secrets.token_urlsafe(CHANGE_LINK_BYTES)
    return token, _hash(token)


def emailed_link_token(booking: Booking) -> str:
    """The token of the private link in the person's emails about `booking`: the same in every email and every
    retry of one, so that none stops another's link working. Keyed with the site's secret, so a copy of the
    database alone can't make it; only its hash is stored (Booking.email_link_hash)."""
    return salted_hmac("consultations.emailed-link", str(booking.pk), algorithm="sha256").hexdigest()


def emailed_link_hash(booking: Booking) -> str:
    return _hash(emailed_link_token(booking))


def booking_for_link(token: str, *, now: datetime | None = None) -> Booking | None:
    """The booking a private link stands for (the thanks page's or the emails'), while it can still be changed:
    the call has not ended and the request is still open. None for a link that is tampered with, cancelled or
    expired."""
    if not token or len(token) > 128:
        return None
    hashed = _hash(token)
    booking = (
        Booking.objects.select_related("consultation_request")
        .filter(Q(change_link_hash=hashed) | Q(email_link_hash=hashed), consultation_request__status__in=OPEN_STATUSES)
        .first()
    )
    if booking is None or booking.ends_at <= (now or timezone.now()):
        return None
    return booking


def calls_that_would_not_fit(*, windows: list[WindowSpec], now: datetime | None = None) -> list[Booking]:
    """The calls still to come that a proposed capacity (`windows`) has no place for: their time is in no window,
    or more calls are booked at it than the window has places. Locks the current windows first, so that no booking
    slips in between this check and the change being saved (call it inside the transaction that saves)."""
    now = now or timezone.now()
    list(CallWindow.objects.select_for_update().values_list("pk", flat=True))
    upcoming = list(
        Booking.objects.filter(ends_at__gt=now).select_related("consultation_request").order_by("starts_at", "pk")
    )
    counts = Counter(booking.starts_at for booking in upcoming)
    misfits = []
    for booking in upcoming:
        window = next((spec for spec in windows if spec.holds(booking.starts_at)), None)
        if window is None or counts[booking.starts_at] > window.places:
            misfits.append(booking)
    return misfits


def calls_booked_on(*, first_day: date, last_day: date) -> list[Booking]:
    """The calls still to come, of requests still open, booked from `first_day` to `last_day` (the clinic's days):
    those a closure of those days leaves without anyone to make them."""
    starts, ends = clinic_days(first_day, last_day)
    return list(
        Booking.objects.filter(
            starts_at__gte=starts,
            starts_at__lt=ends,
            ends_at__gt=timezone.now(),
            consultation_request__status__in=OPEN_STATUSES,
        )
        .select_related("consultation_request")
        .order_by("starts_at", "pk")
    )


CALENDAR_REMINDER_BEFORE = timedelta(minutes=15)


def call_as_ics(*, booking: Booking, phone: str) -> bytes:
    """A calendar entry for a booked call. Its title and description name neither the clinic nor what it does,
    only a phone call, its reference and the number it comes from, since calendars are often shared."""
    reference = booking.consultation_request.reference_display
    event = icalendar.Event()
    # Unique and the same for the request's call wherever it moves, so a calendar updates its entry.
    event.add("uid", salted_hmac("consultations.call_uid", reference, algorithm="sha256").hexdigest()[:32])
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", f"Phone call (ref {reference})")
    description = "We will call you at this time."
    if phone:
        description += f" If you need to reach us, call {phone} and give the reference {reference}."
    event.add("description", description)
    # A reminder shortly before, worded as neutrally as the title: lock screens show it.
    reminder = icalendar.Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", "Phone call")
    reminder.add("trigger", -CALENDAR_REMINDER_BEFORE)
    event.add_component(reminder)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Phone call//Calendar file//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()


def promise_to_patient(*, booking: Booking | None = None, due: datetime | None = None, now: datetime) -> str:
    """When we will call, as the person is told it, to follow "We will call you": "on Tuesday, December 8,
    10:00–10:30 am Eastern" for a booked call; "as soon as we can, usually by 12 pm tomorrow" when the clinic's
    clock promises `due`; "as soon as we can" when it promises nothing. The one wording the form, the thanks
    page, the private page and the person's emails use."""
    if booking is not None:
        return f"on {call_time_in_words(booking.starts_at, booking.ends_at)}"
    if due is None:
        return "as soon as we can"
    return f"as soon as we can, usually {by_when(in_clinic_time(due), in_clinic_time(now))}"


def calls_so_far_in_words(consultation_request: ConsultationRequest) -> list[str]:
    """What intake has done about the request, as the person is told it on their private page: one sentence per
    call, with its time only (never a note), e.g. "We called at 10:03 am on Monday, December 7 and did not leave a
    voicemail, as you asked.", then "We will try again." while the call has not reached them and the request is open."""
    sentences = []
    attempts = list(consultation_request.call_attempts.all())
    for attempt in attempts:
        at = in_clinic_time(attempt.attempted_at)
        called = f"We called at {call_start_time(at)} on {day_in_words(at)}"
        if attempt.outcome == CallOutcome.REACHED:
            sentences.append(f"{called} and spoke with you.")
        elif attempt.outcome == CallOutcome.LEFT_VOICEMAIL:
            sentences.append(f"{called} and left a voicemail.")
        elif attempt.outcome == CallOutcome.WRONG_NUMBER:
            sentences.append(f"{called}, but the number did not reach you.")
        elif attempt.outcome == CallOutcome.NO_ANSWER and not consultation_request.voicemail_ok:
            sentences.append(f"{called} and did not leave a voicemail, as you asked.")
        else:
            sentences.append(f"{called}.")
    if attempts and attempts[-1].outcome != CallOutcome.REACHED and consultation_request.status in OPEN_STATUSES:
        sentences.append("We will try again.")
    return sentences
