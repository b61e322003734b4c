from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from pages.context_processors import site
from pages.medications import MEDICATIONS_BY_SLUG


class MedicationView(TemplateView):
    template_name = "pages/medication.html"

    def get_context_data(self, **kwargs):
        medication = MEDICATIONS_BY_SLUG.get(kwargs["slug"])
        if medication is None:
            raise Http404("No such medication")
        return super().get_context_data(medication=medication, page=medication.page, **kwargs)


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise; says nothing more."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def security_txt(request):
    # RFC 9116 asks for an expiry date; a rolling one keeps the file valid without edits.
    expires = (timezone.now() + timedelta(days=180)).replace(microsecond=0)
    body = loader.render_to_string(
        "pages/security.txt", {"expires": expires.isoformat(), "site_url": settings.SITE_URL}, request
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def server_error(request):
    """The 500 page, with the clinic's details but nothing that could fail again (no database)."""
    body = loader.get_template("500.html").render(site(request))
    return HttpResponse(body, status=500)


@never_cache
def csrf_failure(request, reason=""):
    """A refused form (usually cookies blocked, or a page kept open too long) in the site's look, with the phone."""
    return render(request, "403_csrf.html", status=403)
