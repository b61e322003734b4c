"""The US federal holidays of a year (5 U.S.C. 6103), on the days they are observed: one falling on a Saturday is
observed on the Friday before, one on a Sunday on the Monday after."""

from datetime import date, timedelta

_MONDAY, _THURSDAY = 0, 3

# Name, month, day of the month.
_FIXED = [
    ("New Year's Day", 1, 1),
    ("Juneteenth", 6, 19),
    ("Independence Day", 7, 4),
    ("Veterans Day", 11, 11),
    ("Christmas Day", 12, 25),
]
# Name, month, weekday, which one in the month (-1: the last).
_NTH_WEEKDAY = [
    ("Martin Luther King Jr. Day", 1, _MONDAY, 3),
    ("Washington's Birthday", 2, _MONDAY, 3),
    ("Memorial Day", 5, _MONDAY, -1),
    ("Labor Day", 9, _MONDAY, 1),
    ("Columbus Day", 10, _MONDAY, 2),
    ("Thanksgiving Day", 11, _THURSDAY, 4),
]


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def federal_holidays(year: int) -> list[tuple[date, str]]:
    """(observed day, name) for each federal holiday of `year`, in date order."""
    holidays = [(_observed(date(year, month, day)), name) for name, month, day in _FIXED]
    holidays += [(_nth_weekday(year, month, weekday, nth), name) for name, month, weekday, nth in _NTH_WEEKDAY]
    return sorted(holidays)
