"""The manager's figures in the admin: one page of charts, each with its numbers in a table, and a CSV."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from insights.export import figures_as_csv
from insights.figures import intake_figures
from insights.forms import PeriodForm
from insights.models import DailyCount
from insights.page import charts_for
from portland_site.admin_mixins import RefusedWritesMixin

MARKETING = "insights.view_marketing_figures"
INTAKE = "consultations.view_consultationrequest"


@admin.register(DailyCount)
class FiguresAdmin(RefusedWritesMixin, admin.ModelAdmin):
    """Not a list of rows: the changelist is the page of charts. Nothing here can be added, changed or deleted."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MARKETING) or request.user.has_perm(INTAKE)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

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
            "new_keys_per_day": settings.INSIGHTS_NEW_KEYS_PER_DAY,
        }
        context |= charts_for(period, marketing=marketing, with_intake=intake_allowed)
        return TemplateResponse(request, "admin/insights/figures.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        marketing, intake_allowed = self._allowed(request)
        period = PeriodForm(request.GET if request.GET else None).period()
        body = figures_as_csv(
            period=period, intake=intake_figures(period) if intake_allowed else None, marketing=marketing
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = f"figures-{period.first_day.isoformat()}-to-{period.last_day.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
