"""Clinic wording shared by the apps: days and times in words.

The clinic's own facts (its phone, hours and closures) are data in the `pages` app; its clock is pages/clock.py.
"""

from datetime import datetime, time

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_time(value: time) -> str:
    """A time as the site writes it: "8 am", "5:30 pm"."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


def by_when(moment: datetime, now: datetime) -> str:
    """A deadline in words as seen from `now`, e.g. "by 1 pm today", "by 1 pm on Monday"."""
    days_ahead = (moment.date() - now.date()).days
    if days_ahead == 0:
        day = "today"
    elif days_ahead == 1:
        day = "tomorrow"
    elif 1 < days_ahead < len(DAY_NAMES):
        day = f"on {DAY_NAMES[moment.weekday()]}"
    else:
        day = f"on {DAY_NAMES[moment.weekday()]}, {moment:%B} {moment.day}"
    return f"by {format_time(moment.time())} {day}"
