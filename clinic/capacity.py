"""The call capacity: the call windows the Clinic manager sets (when intake staff make booked calls, how many at
once, with how much notice), and the call times they give on the days the clinic is open.

The capacity is one of the clinic's facts: its save in the admin replaces the facts' version (facts_changed), as
the closures the call times leave out do. So each process keeps the call times of the current version and day.
Which of those times are still free is a booking's business (consultations/booking.py).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings

from clinic.clock import ClinicClock, clinic_clock
from clinic.facts import facts_version
from clinic.models import BookingRules, CallWindow
from portland_site import typed_dates
from portland_site.clinic import (
    call_time_in_words,
    day_in_words,
    format_time_range,
    short_day_in_words,
    zone_in_words,
)
from portland_site.clinic_time import clinic_zone, in_clinic_time
from portland_site.process_cache import ProcessCache

# How many days with call windows the form offers, and how far it looks for them past closures.
BOOKING_DAYS = 10
_SEARCH_DAYS = 60
_SLOT_VALUE_FORMAT = "%Y%m%dT%H%MZ"


@dataclass(frozen=True)
class WindowSpec:
    """A call window as configured (saved or proposed in the admin)."""

    weekday: int
    starts: time
    ends: time
    call_minutes: int
    places: int

    def slot_starts(self, day: date) -> Iterator[datetime]:
        """The start of each whole call that fits in this window on `day`, in the clinic's time zone."""
        zone = clinic_zone()
        start = datetime.combine(day, self.starts, tzinfo=zone)
        end = datetime.combine(day, self.ends, tzinfo=zone)
        length = timedelta(minutes=self.call_minutes)
        while start + length <= end:
            yield start
            start += length

    def holds(self, starts_at: datetime) -> bool:
        """Whether a call starting at `starts_at` is one of this window's calls."""
        local = in_clinic_time(starts_at)
        return local.weekday() == self.weekday and local in self.slot_starts(local.date())


def window_spec(window: CallWindow) -> WindowSpec:
    return WindowSpec(
        weekday=window.weekday,
        starts=window.starts,
        ends=window.ends,
        call_minutes=window.call_minutes,
        places=window.places,
    )


@dataclass(frozen=True)
class CallSlot:
    starts_at: datetime  # in the clinic's time zone
    ends_at: datetime

    @cached_property
    def value(self) -> str:
        """How the form names this time: its start in UTC, e.g. 20261208T1500Z."""
        return self.starts_at.astimezone(UTC).strftime(_SLOT_VALUE_FORMAT)

    @property
    def label(self) -> str:
        """The time of day in words, e.g. "10:00–10:30 am Eastern"."""
        return format_time_range(self.starts_at, self.ends_at)

    @property
    def option_label(self) -> str:
        """How a select names it: the short day, then the time, "Tue Dec 8, 10:00–10:30 am", so that a phone's
        closed select still shows both (the page says the zone once, and repeats the choice in full)."""
        hours = format_time_range(self.starts_at, self.ends_at, with_zone=False)
        return f"{short_day_in_words(self.starts_at)}, {hours}"

    @property
    def in_words(self) -> str:
        """ "Tuesday, December 8, 10:00–10:30 am Eastern"."""
        return call_time_in_words(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class CallDay:
    day: date
    slots: tuple[CallSlot, ...]

    @property
    def label(self) -> str:
        return day_in_words(self.slots[0].starts_at)

    @property
    def zone(self) -> str:
        """ "Eastern": the select's options leave it out."""
        return zone_in_words(self.slots[0].starts_at)


def parse_slot_value(value: str) -> datetime | None:
    """The start a form value names (see CallSlot.value), or None when it is not one."""
    try:
        starts_at = datetime.strptime(value, _SLOT_VALUE_FORMAT).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None
    return starts_at if typed_dates.is_in_range(starts_at.date()) else None


def _capacity() -> tuple[timedelta, list[WindowSpec]]:
    """The notice needed and the call windows, in one query."""
    windows = list(CallWindow.objects.select_related("rules"))
    notice = timedelta(hours=windows[0].rules.notice_hours) if windows else timedelta(0)
    return notice, [window_spec(window) for window in windows]


def booking_days(weekdays: set[int], clock: ClinicClock, today: date) -> list[date]:
    """The next BOOKING_DAYS days, from today, on `weekdays` (those with call windows) and not closed."""
    days = []
    day = today
    for _ in range(_SEARCH_DAYS):
        if day.weekday() in weekdays and not clock.is_closure(day):
            days.append(day)
            if len(days) == BOOKING_DAYS:
                break
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class CallTimes:
    """The notice needed, and every call time of the booking days from one day on (full or not) with the number of
    places its window has."""

    notice: timedelta
    slots: tuple[tuple[CallSlot, int], ...]


def _call_times_from(today: date) -> CallTimes:
    notice, windows = _capacity()
    slots = []
    clock = clinic_clock()
    for day in booking_days({window.weekday for window in windows}, clock, today):
        for window in windows:
            if window.weekday == day.weekday():
                length = timedelta(minutes=window.call_minutes)
                slots += [
                    (CallSlot(starts_at=start, ends_at=start + length), window.places)
                    for start in window.slot_starts(day)
                    if not clock.is_closed_during(start, start + length)
                ]
    return CallTimes(notice=notice, slots=tuple(slots))


# The call times of the current facts' version and day, kept by this process: listing the open times then reads
# only the places taken.
_held: ProcessCache[CallTimes] = ProcessCache()


def call_times(today: date) -> CallTimes:
    version = None if settings.DEBUG else facts_version()  # while developing, as the facts: an edit shows at once
    if version is None:
        return _call_times_from(today)
    held = _held.get((version, today))
    if held is None:
        held = _call_times_from(today)
        _held.set((version, today), held)
    return held


def held_slot(value: str) -> CallSlot | None:
    """The call time a form value names, as this process last listed it (whatever day); None if it has not."""
    held = _held.newest()
    return next((slot for slot, _places in held.slots if slot.value == value), None) if held is not None else None


def booking_rules() -> BookingRules:
    """The one row of booking rules, made with its defaults the first time it is asked for."""
    rules, _ = BookingRules.objects.get_or_create(pk=1)
    return rules
