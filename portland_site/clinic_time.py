"""The clinic's own time (CLINIC_TIME_ZONE, Portland, Maine by default): what staff, patients and the opening
hours mean by a time of day. Every place that shows or reasons about clinic time asks here."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


def in_clinic_time(moment: datetime | None = None) -> datetime:
    """`moment` (an aware datetime; now when None) on the clinic's clock."""
    return (moment or timezone.now()).astimezone(clinic_zone())


def clinic_days(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """From the start of `first_day` to the start of the day after `last_day`, on the clinic's clock."""
    zone = clinic_zone()
    return (
        datetime.combine(first_day, time.min, tzinfo=zone),
        datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone),
    )
