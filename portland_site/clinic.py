"""The clinic's opening hours, which settings check at start-up: parsed from
CLINIC_HOURS (for example "Mon-Fri 08:00-17:00; Sat 09:00-12:00")."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_ABBREVIATIONS = {name[:3].lower(): index for index, name in enumerate(DAY_NAMES)}
_GROUP = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{2}:\d{2})-(?P<close>\d{2}:\d{2})$")


def _format_time(value: time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


@dataclass(frozen=True)
class ClinicHours:
    """Opening and closing time for each weekday (0 = Monday) the clinic is open."""

    days: dict[int, tuple[time, time]]

    @classmethod
    def parse(cls, spec: str) -> "ClinicHours":
        days: dict[int, tuple[time, time]] = {}
        for group in filter(None, (part.strip().lower() for part in spec.split(";"))):
            match = _GROUP.match(group)
            if not match:
                raise ValueError(f"{group!r} should look like 'Mon-Fri 08:00-17:00'")
            try:
                first = _DAY_ABBREVIATIONS[match["first"]]
                last = _DAY_ABBREVIATIONS[match["last"] or match["first"]]
                opens, closes = time.fromisoformat(match["open"]), time.fromisoformat(match["close"])
            except (KeyError, ValueError) as error:
                raise ValueError(f"{group!r} has an unknown day or time") from error
            if first > last or opens >= closes:
                raise ValueError(f"{group!r} has its days or times the wrong way round")
            for day in range(first, last + 1):
                if day in days:
                    raise ValueError(f"{DAY_NAMES[day]} is listed twice")
                days[day] = (opens, closes)
        if not days:
            raise ValueError("no opening hours given")
        return cls(days=days)

    @property
    def text(self) -> str:
        """The hours in words, e.g. "Monday to Friday, 8 am to 5 pm"."""
        runs: list[list[int]] = []
        for day in sorted(self.days):
            if runs and runs[-1][-1] == day - 1 and self.days[runs[-1][0]] == self.days[day]:
                runs[-1].append(day)
            else:
                runs.append([day])
        parts = []
        for run in runs:
            opens, closes = self.days[run[0]]
            days = DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]} to {DAY_NAMES[run[-1]]}"
            parts.append(f"{days}, {_format_time(opens)} to {_format_time(closes)}")
        return "; ".join(parts)

    def add_business_hours(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of opening time has passed since `start`.

        `start` should be in the clinic's time zone. Counting begins at the next opening when the clinic is
        closed. Public holidays are not known here: they count as ordinary days.
        """
        remaining = duration
        day = start.date()
        while True:
            hours = self.days.get(day.weekday())
            if hours:
                opens, closes = (datetime.combine(day, moment, tzinfo=start.tzinfo) for moment in hours)
                begin = max(start, opens)
                if begin < closes:
                    if begin + remaining <= closes:
                        return begin + remaining
                    remaining -= closes - begin
            day += timedelta(days=1)

    def subtract_business_hours(self, end: datetime, duration: timedelta) -> datetime:
        """The latest moment from which `duration` of opening time has passed by `end`: `add_business_hours` undone.

        Anything that started at or before the answer has had `duration` of opening time by `end`.
        """
        remaining = duration
        day = end.date()
        while True:
            hours = self.days.get(day.weekday())
            if hours:
                opens, closes = (datetime.combine(day, moment, tzinfo=end.tzinfo) for moment in hours)
                finish = min(end, closes)
                if finish > opens:
                    if finish - remaining >= opens:
                        return finish - remaining
                    remaining -= finish - opens
            day -= timedelta(days=1)

    def expected_by(self, start: datetime, duration: timedelta) -> datetime:
        """`add_business_hours`, rounded up to a whole hour so that a promise reads simply, but never past closing."""
        due = self.add_business_hours(start, duration)
        rounded = due.replace(minute=0, second=0, microsecond=0)
        if rounded < due:
            rounded += timedelta(hours=1)
        closes = datetime.combine(due.date(), self.days[due.weekday()][1], tzinfo=due.tzinfo)
        return min(rounded, closes)


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
    return f"by {_format_time(moment.time())} {day}"
