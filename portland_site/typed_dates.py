"""The dates a person may type anywhere (the form's call time, the figures' period, closures): 2000 to 2100.

Far dates are no one's real answer, and Python's dates end at year 9999, so a day added to one, or a time zone
applied to the year 1, raises OverflowError: each typed date is checked against this range first.
"""

from datetime import date

from django.core.exceptions import ValidationError

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
OUT_OF_RANGE_MESSAGE = f"Enter a date between {EARLIEST.year} and {LATEST.year}."


def is_in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_in_range(day: date) -> None:
    if not is_in_range(day):
        raise ValidationError(OUT_OF_RANGE_MESSAGE, code="date_out_of_range")
