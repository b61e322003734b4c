from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

from pages import views
from pages.medications import MEDICATIONS
from pages.registry import PAGES
from pages.sitemaps import PageSitemap

app_name = "pages"

# Pages whose template shows data from the repo, not only copy.
_EXTRA_CONTEXT = {"benzodiazepines": {"medications": MEDICATIONS}}

# Editorial pages are the same for everyone: browsers and a CDN may keep them.
public = cache_control(public=True, max_age=settings.PAGE_CACHE_SECONDS)

urlpatterns = [
    path(
        page.path,
        public(
            TemplateView.as_view(
                template_name=page.template_name,
                extra_context={"page": page, **_EXTRA_CONTEXT.get(page.name, {})},
            )
        ),
        name=page.name,
    )
    for page in PAGES
] + [
    path("benzodiazepines/<slug:slug>/", public(views.MedicationView.as_view()), name="medication"),
    path("sitemap.xml", public(sitemap), {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path(
        "robots.txt",
        public(TemplateView.as_view(template_name="pages/robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path(".well-known/security.txt", public(views.security_txt), name="security_txt"),
    path("favicon.ico", public(views.favicon), name="favicon"),
    path("healthz", views.healthz, name="healthz"),
]
