"""The manager's figures in the admin: one page of charts, each with its numbers in a table, and a CSV."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from insights import charts
from insights.aggregation import flush_counts
from insights.export import figures_as_csv
from insights.figures import funnel, intake_figures, percent, visit_figures
from insights.forms import PeriodForm
from insights.models import DailyCount

MARKETING = "insights.view_marketing_figures"
INTAKE = "consultations.view_consultationrequest"


def _week_label(week) -> str:
    return f"{week:%b} {week.day}"


@admin.register(DailyCount)
class FiguresAdmin(admin.ModelAdmin):
    """Not a list of rows: the changelist is the page of charts. Nothing here can be added, changed or deleted."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MARKETING) or request.user.has_perm(INTAKE)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="insights_figures_export"),
            *super().get_urls()[:1],  # the changelist only: there are no single rows to open
        ]

    def _allowed(self, request: HttpRequest) -> tuple[bool, bool]:
        return request.user.has_perm(MARKETING), request.user.has_perm(INTAKE)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        marketing, intake_allowed = self._allowed(request)
        form = PeriodForm(request.GET if request.GET else None)
        period = form.period()
        context = {
            **self.admin_site.each_context(request),
            "title": "Visit and request figures",
            "opts": self.model._meta,
            "form": form,
            "period": period,
            "query": request.GET.urlencode(),
        }
        labels = [_week_label(week) for week in period.weeks]
        intake = intake_figures(period) if intake_allowed else None
        if marketing:
            flush_counts()  # so the page includes the last minute's visits
            visits = visit_figures(period)
            steps = funnel(visits, intake) if intake else []
            context |= {
                "visits": visits,
                "visits_chart": charts.column_chart(
                    labels, [("Page views", [count for _, count in visits.views_by_week])]
                ),
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
        return TemplateResponse(request, "admin/insights/figures.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        marketing, intake_allowed = self._allowed(request)
        period = PeriodForm(request.GET if request.GET else None).period()
        if marketing:
            flush_counts()
        body = figures_as_csv(
            period=period, intake=intake_figures(period) if intake_allowed else None, marketing=marketing
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = f"figures-{period.first_day.isoformat()}-to-{period.last_day.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
