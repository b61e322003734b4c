"""Clinic wording shared by the apps: days and times in words.

The clinic's own facts (its phone, hours and closures) are data in the `pages` app; its clock is pages/clock.py.
"""

from datetime import datetime, time

from portland_site.clinic_time import in_clinic_time

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_time(value: time) -> str:
    """A time as the site writes it: "8 am", "5:30 pm"."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


def day_from(moment: datetime, now: datetime) -> str:
    """The day of `moment` as seen from `now`: "today", "tomorrow", "on Monday", "on Monday, December 14"."""
    days_ahead = (moment.date() - now.date()).days
    if days_ahead == 0:
        return "today"
    if days_ahead == 1:
        return "tomorrow"
    if 1 < days_ahead < len(DAY_NAMES):
        return f"on {DAY_NAMES[moment.weekday()]}"
    return f"on {DAY_NAMES[moment.weekday()]}, {moment:%B} {moment.day}"


def by_when(moment: datetime, now: datetime) -> str:
    """A deadline in words as seen from `now`, e.g. "by 1 pm today", "by 1 pm on Monday"."""
    return f"by {format_time(moment.time())} {day_from(moment, now)}"


# The names people use for the clinic's time zone, for the zones of the contiguous US; others use the zone's own.
_ZONE_NAMES = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Los_Angeles": "Pacific",
}


def zone_in_words(moment: datetime) -> str:
    return _ZONE_NAMES.get(str(moment.tzinfo), moment.tzname())


def _clock_time(value: datetime) -> str:
    return f"{value.hour % 12 or 12}:{value.minute:02d}"


def _half_of_day(value: datetime) -> str:
    return "am" if value.hour < 12 else "pm"


def call_start_time(value: datetime) -> str:
    """When a booked call starts, as the site writes call times: "10:00 am", "1:30 pm"."""
    return f"{_clock_time(value)} {_half_of_day(value)}"


def format_time_range(starts: datetime, ends: datetime) -> str:
    """A call's time of day as the site writes it: "10:00–10:30 am Eastern", "11:30 am–12:00 pm Eastern"; its
    start alone, "10:00 am Eastern", when the end is not known."""
    if starts == ends:
        return f"{_clock_time(starts)} {_half_of_day(starts)} {zone_in_words(starts)}"
    first = (
        _clock_time(starts)
        if _half_of_day(starts) == _half_of_day(ends)
        else f"{_clock_time(starts)} {_half_of_day(starts)}"
    )
    return f"{first}–{_clock_time(ends)} {_half_of_day(ends)} {zone_in_words(starts)}"


def day_in_words(moment: datetime) -> str:
    """ "Tuesday, December 8"."""
    return f"{DAY_NAMES[moment.weekday()]}, {moment:%B} {moment.day}"


def call_time_in_words(starts: datetime, ends: datetime) -> str:
    """A booked call in words, on the clinic's clock whatever zone the moments are in: "Tuesday, December 8,
    10:00–10:30 am Eastern"."""
    starts, ends = in_clinic_time(starts), in_clinic_time(ends)
    return f"{day_in_words(starts)}, {format_time_range(starts, ends)}"
