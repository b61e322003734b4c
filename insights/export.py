"""The figures as CSV, one figure per row, safe to open in a spreadsheet."""

import csv
import io

from consultations.export import neutralise
from insights.figures import IntakeFigures, Period
from insights.models import DailyCount, Kind

COLUMNS = ("date", "figure", "item", "value")


def figures_as_csv(*, period: Period, intake: IntakeFigures | None, marketing: bool) -> str:
    """Daily counts (with `marketing`) and intake's weekly figures (when given) for the period."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)

    def row(*values) -> None:
        writer.writerow(neutralise(value) for value in values)

    if marketing:
        counts = DailyCount.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
        for count in counts.order_by("day", "kind", "key"):
            row(count.day.isoformat(), Kind(count.kind).label, count.key, count.count)
    if intake:
        for week in intake.weeks:
            day = f"week of {week.week.isoformat()}"
            row(day, "Requests received", "", week.received)
            row(day, "Median opening hours to first call", "", _rounded(week.median_hours))
            row(day, "90th percentile opening hours to first call", "", _rounded(week.p90_hours))
            row(day, "Share called within the promise", "", _rounded(week.within_promise_share, 3))
            row(day, "Went overdue", "", week.went_overdue)
    return out.getvalue()


def _rounded(value: float | None, digits: int = 2) -> str:
    return "" if value is None else str(round(value, digits))
