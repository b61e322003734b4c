"""What the figures page shows, chart by chart, for the sections the viewer may see."""

from insights import charts
from insights.figures import Period, funnel, intake_figures, percent, visit_figures


def _week_label(week) -> str:
    return f"{week:%b} {week.day}"


def charts_for(period: Period, *, marketing: bool, with_intake: bool) -> dict:
    """The template's context: the figures and their charts (visits and the funnel only with `marketing`)."""
    context: dict = {}
    labels = [_week_label(week) for week in period.weeks]
    intake = intake_figures(period) if with_intake else None
    if marketing:
        visits = visit_figures(period)
        steps = funnel(visits, intake) if intake else []
        context |= {
            "visits": visits,
            "visits_chart": charts.column_chart(labels, [("Page views", [count for _, count in visits.views_by_week])]),
            "pages_chart": charts.bar_chart([(label, count) for _, label, count in visits.views_by_page]),
            "referrers_chart": charts.bar_chart(visits.referrers),
            "campaigns_chart": charts.bar_chart(visits.campaigns),
            "sources_chart": charts.bar_chart(visits.sources),
            "form_from_chart": charts.bar_chart([(label, count) for _, label, count in visits.form_from]),
            "funnel": steps,
            "funnel_chart": charts.bar_chart([(step.label, step.count) for step in steps]),
            "conversion": percent(visits.totals["request_sent"], visits.totals["view"]),
            "form_conversion": percent(visits.totals["request_sent"], visits.totals["form_opened"]),
        }
    if intake:
        context |= {
            "intake": intake,
            "requests_chart": charts.column_chart(
                labels, [("Requests received", [week.received for week in intake.weeks])]
            ),
            "waits_chart": charts.column_chart(
                labels,
                [
                    ("Median", [week.median_hours for week in intake.weeks]),
                    ("90th percentile", [week.p90_hours for week in intake.weeks]),
                ],
                unit=" h",
            ),
            "promise_chart": charts.column_chart(
                labels,
                [("Called within the promise", [week.within_promise_share for week in intake.weeks])],
                unit="%",
            ),
            "overdue_chart": charts.column_chart(
                labels, [("Went overdue", [week.went_overdue for week in intake.weeks])]
            ),
            "scheduled_share": percent(intake.scheduled, intake.period.received),
        }
    return context
