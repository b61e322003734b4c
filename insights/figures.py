"""The figures the manager's page shows, for a chosen period: from the daily counts and from consultations."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Sum

from consultations.figures import RequestTiming, request_timings
from insights.models import DailyCount, Kind
from pages.medications import MEDICATIONS
from pages.registry import PAGES
from portland_site.clinic_time import clinic_days

TOP = 10


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @property
    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        return [monday + timedelta(weeks=n) for n in range((self.last_day - monday).days // 7 + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        return clinic_days(self.first_day, self.last_day)


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _page_titles() -> dict[str, str]:
    titles = {page.url: page.nav_label for page in PAGES}
    titles.update({medication.page.url: medication.page.nav_label for medication in MEDICATIONS})
    return titles


@dataclass(frozen=True)
class VisitFigures:
    views_by_week: list[tuple[date, int]]
    views_by_page: list[tuple[str, str, int]]  # (path, label, views), most viewed first
    referrers: list[tuple[str, int]]
    sources: list[tuple[str, int]]
    campaigns: list[tuple[str, int]]
    form_from: list[tuple[str, str, int]]  # (path, label, forms opened from it)
    totals: dict[str, int] = field(default_factory=dict)  # by Kind, for the funnel


def visit_figures(period: Period) -> VisitFigures:
    rows = DailyCount.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
    by_key: dict[str, Counter] = defaultdict(Counter)
    for kind, key, count in rows.values_list("kind", "key").annotate(total=Sum("count")).order_by():
        by_key[kind][key] += count
    weekly = Counter()
    for day, count in rows.filter(kind=Kind.VIEW).values_list("day").annotate(total=Sum("count")).order_by():
        weekly[_week_of(day)] += count
    titles = _page_titles()

    def ranked(kind: str, limit: int | None = TOP) -> list[tuple[str, int]]:
        return sorted(by_key[kind].items(), key=lambda item: (-item[1], item[0]))[:limit]

    return VisitFigures(
        views_by_week=[(week, weekly[week]) for week in period.weeks],
        views_by_page=[(path, titles.get(path, path), n) for path, n in ranked(Kind.VIEW, None)],
        referrers=ranked(Kind.REFERRER),
        sources=ranked(Kind.SOURCE),
        campaigns=ranked(Kind.CAMPAIGN),
        form_from=[(path, titles.get(path, path), n) for path, n in ranked(Kind.FORM_FROM)],
        totals={kind: sum(by_key[kind].values()) for kind in Kind.values},
    )


@dataclass(frozen=True)
class IntakeWeek:
    week: date
    received: int
    median_hours: float | None  # opening hours to the first call attempt, over the requests called so far
    p90_hours: float | None
    within_promise_share: float | None  # of the requests received, the share called within the promise
    went_overdue: int


def _percentile_90(values: list[float]) -> float:
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[-1]


def _intake_week(week: date, timings: list[RequestTiming]) -> IntakeWeek:
    waits = [timing.hours_to_first_call for timing in timings if timing.hours_to_first_call is not None]
    return IntakeWeek(
        week=week,
        received=len(timings),
        median_hours=statistics.median(waits) if waits else None,
        p90_hours=_percentile_90(waits) if waits else None,
        within_promise_share=(
            sum(timing.called_within_promise for timing in timings) / len(timings) if timings else None
        ),
        went_overdue=sum(timing.went_overdue for timing in timings),
    )


@dataclass(frozen=True)
class IntakeFigures:
    weeks: list[IntakeWeek]
    period: IntakeWeek  # the same figures over the whole period
    contacted: int
    scheduled: int


def intake_figures(period: Period, now: datetime | None = None) -> IntakeFigures:
    start, end = period.bounds()
    timings = request_timings(received_from=start, received_before=end, now=now)
    by_week: dict[date, list[RequestTiming]] = defaultdict(list)
    for timing in timings:
        by_week[_week_of(timing.received_at.date())].append(timing)
    return IntakeFigures(
        weeks=[_intake_week(week, by_week[week]) for week in period.weeks],
        period=_intake_week(period.first_day, timings),
        contacted=sum(timing.contacted for timing in timings),
        scheduled=sum(timing.scheduled for timing in timings),
    )


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    counted_in_browser: bool  # False: from the call-back queue, which has every request


def funnel(visits: VisitFigures, intake: IntakeFigures) -> list[FunnelStep]:
    return [
        FunnelStep("Page views", visits.totals[Kind.VIEW], True),
        FunnelStep("Call-back form opened", visits.totals[Kind.FORM_OPENED], True),
        FunnelStep("Form sent with errors", visits.totals[Kind.FORM_ERROR], True),
        FunnelStep("Request accepted (counted)", visits.totals[Kind.REQUEST_SENT], True),
        FunnelStep("Requests received (queue)", intake.period.received, False),
        FunnelStep("Contacted", intake.contacted, False),
        FunnelStep("Consultation scheduled", intake.scheduled, False),
    ]


def percent(part: int, whole: int) -> str:
    """A share in words, e.g. "2.5%"; a dash when there is nothing to divide by."""
    return f"{part / whole:.1%}" if whole else "–"
