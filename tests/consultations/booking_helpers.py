"""Call capacity as tests set it, and moments in the clinic's time."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.test import TestCase

from clinic.capacity import booking_rules
from clinic.facts import facts_changed
from clinic.models import BookingRules, CallWindow

EASTERN = ZoneInfo("America/New_York")


def eastern(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def set_call_windows(*, places: int = 1, notice_hours: int = 2, spans=((10, 12),), weekdays=range(5)) -> BookingRules:
    """Replace the call capacity: 30-minute calls in each (from, until) hour span on `weekdays`. As a save in the
    admin does, it tells the site's processes (facts_changed), which keep the capacity with the clinic's facts."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        rules = booking_rules()
        rules.notice_hours = notice_hours
        rules.save()
        CallWindow.objects.all().delete()
        CallWindow.objects.bulk_create(
            CallWindow(rules=rules, weekday=day, starts=time(first), ends=time(last), call_minutes=30, places=places)
            for day in weekdays
            for first, last in spans
        )
        facts_changed()
    return rules
