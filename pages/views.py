import sys
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from clinic.models import PhotoVariant
from pages.context_processors import site
from pages.medications import MEDICATIONS_BY_SLUG
from pages.registry import Page
from pages.reviews import page_review
from portland_site.database import RETRY_AFTER_SECONDS, UNAVAILABLE, answer_within


class EditorialPageView(TemplateView):
    """A registry page, with its recorded clinical review (`page_review`, None when there is none)."""

    page: Page | None = None

    def get_template_names(self):
        return [self.page.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page, page_review=page_review(self.page), **kwargs)


# /healthz answers within this many seconds, even when the database hangs (load balancers give up soon).
HEALTHZ_DATABASE_SECONDS = 2


class MedicationView(TemplateView):
    template_name = "pages/medication.html"

    def get_context_data(self, **kwargs):
        medication = MEDICATIONS_BY_SLUG.get(kwargs["slug"])
        if medication is None:
            raise Http404("No such medication")
        page = medication.page
        return super().get_context_data(medication=medication, page=page, page_review=page_review(page), **kwargs)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that don't name one (the admin's)."""
    return redirect(static("img/favicon.ico"), permanent=True)


def _shared_cache_answers() -> bool:
    try:
        cache.get("healthz")
    except Exception:  # whatever the cache's client raises
        return False
    return True


@never_cache
def healthz(request):
    """200 when the database answers (its body "degraded" while the shared cache does not), 503 otherwise; says
    nothing more. A load balancer should keep a host whose shared cache is down: every host shares it, and the
    site works without it."""
    try:
        with answer_within(HEALTHZ_DATABASE_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    if not _shared_cache_answers():
        return HttpResponse("degraded\n", content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def security_txt(request):
    # RFC 9116 asks for an expiry date; a rolling one keeps the file valid without edits.
    expires = (timezone.now() + timedelta(days=180)).replace(microsecond=0)
    body = loader.render_to_string(
        "pages/security.txt", {"expires": expires.isoformat(), "site_url": settings.SITE_URL}, request
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def _plain_error_page(template_name: str, status: int, request) -> HttpResponse:
    """An error page with the clinic's details but nothing that could fail again (no database, no host)."""
    return HttpResponse(loader.get_template(template_name).render(site(request)), status=status)


def database_unavailable(request) -> HttpResponse:
    """The 503 page: the database did not answer (away, cut off or too slow); with the phone, and no blame."""
    response = _plain_error_page("503.html", 503, request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # Django calls this while handling the exception, so it can tell an outage from a bug.
    if isinstance(sys.exception(), UNAVAILABLE):
        return database_unavailable(request)
    return _plain_error_page("500.html", 500, request)


def bad_request(request, exception):
    return _plain_error_page("400.html", 400, request)


@never_cache
def csrf_failure(request, reason=""):
    """A refused form (usually cookies blocked, or a page kept open too long) in the site's look, with the phone."""
    return render(request, "403_csrf.html", status=403)


# Photo names hold a hash of their pixels, so a name always means the same bytes: browsers may keep them a year.
_IMMUTABLE = "public, max-age=31536000, immutable"


@require_safe
def photo(request, name: str):
    """One processed variant of a team photo (never the upload itself, which is not kept)."""
    variant = PhotoVariant.objects.filter(name=name).only("content_type", "data").first()
    if variant is None:
        raise Http404("No such photo")
    response = HttpResponse(bytes(variant.data), content_type=variant.content_type)
    response["Cache-Control"] = _IMMUTABLE
    response["Content-Disposition"] = "inline"
    return response
