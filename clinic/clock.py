"""The call-back clock: the clinic's opening time, from the hours and closures the Clinic manager keeps.

`consultations` asks it when a call is due and when a request is overdue. It reads the same cached snapshot as
the pages (clinic/facts.py), so a closure saved in the admin counts on the next request on every host.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from clinic.facts import ClosureFact, current_facts

# How far the clock looks for opening time before it gives up (no hours recorded, or closed for a year).
_SEARCH_DAYS = 400


class NoOpeningTime(Exception):
    """The clinic has no opening time in the period searched: no hours are recorded, or closures cover it all."""


@dataclass(frozen=True)
class ClinicClock:
    """Opening and closing time for each weekday (0 = Monday) the clinic is open, and the closures (holidays,
    training days, an afternoon off), yearly ones included."""

    days: dict[int, tuple[time, time]]
    closures: tuple[ClosureFact, ...] = ()

    def _open_part(self, day: date, hours: tuple[time, time] | None) -> tuple[time, time] | None:
        for closure in self.closures:
            if hours is None:
                break
            hours = closure.open_part(day, hours)
        return hours

    def is_closure(self, day: date) -> bool:
        """Whether closures (a holiday, a training day) cover all of `day`."""
        return self._open_part(day, (time.min, time.max)) is None

    def is_closed_during(self, start: datetime, end: datetime) -> bool:
        """Whether a closure covers any of `start` to `end` (the same day, in the clinic's time zone)."""
        open_part = self._open_part(start.date(), (time.min, time.max))
        return open_part is None or not (open_part[0] <= start.time() and end.time() <= open_part[1])

    def hours_on(self, day: date) -> tuple[time, time] | None:
        """When the clinic opens and closes on `day` (later or earlier on a closure's first or last day); None
        when it is closed that weekday or by a closure all day."""
        return self._open_part(day, self.days.get(day.weekday()))

    def _open_days(self, first: date, step: int, tzinfo):
        """(opens, closes) as moments, for each day the clinic is open, from `first` going forward or back."""
        day = first
        for _ in range(_SEARCH_DAYS):
            hours = self.hours_on(day)
            if hours:
                yield tuple(datetime.combine(day, moment, tzinfo=tzinfo) for moment in hours)
            day += timedelta(days=step)
        raise NoOpeningTime(f"no opening time within {_SEARCH_DAYS} days of {first}")

    def add_business_hours(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of opening time has passed since `start`.

        `start` should be in the clinic's time zone. Counting begins at the next opening when the clinic is
        closed; closed weekdays and closures are skipped.
        """
        remaining = duration
        for opens, closes in self._open_days(start.date(), 1, start.tzinfo):
            begin = max(start, opens)
            if begin < closes:
                if begin + remaining <= closes:
                    return begin + remaining
                remaining -= closes - begin
        raise AssertionError("unreachable: _open_days raises when it runs out")

    def subtract_business_hours(self, end: datetime, duration: timedelta) -> datetime:
        """The latest moment from which `duration` of opening time has passed by `end`: `add_business_hours` undone.

        Anything that started at or before the answer has had `duration` of opening time by `end`.
        """
        remaining = duration
        for opens, closes in self._open_days(end.date(), -1, end.tzinfo):
            finish = min(end, closes)
            if finish > opens:
                if finish - remaining >= opens:
                    return finish - remaining
                remaining -= finish - opens
        raise AssertionError("unreachable: _open_days raises when it runs out")

    def expected_by(self, start: datetime, duration: timedelta) -> datetime:
        """`add_business_hours`, rounded up to a whole hour so that a promise reads simply, but never past closing."""
        due = self.add_business_hours(start, duration)
        rounded = due.replace(minute=0, second=0, microsecond=0)
        if rounded < due:
            rounded += timedelta(hours=1)
        hours = self.hours_on(due.date())
        assert hours is not None, "add_business_hours ends within a day's opening time"
        closes = datetime.combine(due.date(), hours[1], tzinfo=due.tzinfo)
        return min(rounded, closes)


def clinic_clock() -> ClinicClock:
    """The clock as the clinic's facts are now (cached; see clinic/facts.py)."""
    facts = current_facts()
    return ClinicClock(days=facts.opening_days, closures=facts.closures)
