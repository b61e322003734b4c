from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import TemplateView

from pages import views
from pages.caching import editorial, public
from pages.faq import FAQ_GROUPS
from pages.medications import MEDICATIONS
from pages.registry import PAGES
from pages.sitemaps import PageSitemap

app_name = "pages"

# Pages whose template shows data from the repo, not only copy.
_EXTRA_CONTEXT = {"benzodiazepines": {"medications": MEDICATIONS}, "faq": {"faq_groups": FAQ_GROUPS}}

# Editorial pages are also kept in the shared cache. The text files are only `public`: they are cheap, and the
# sitemap names the requested host, which the shared cache's key leaves out.
urlpatterns = [
    path(
        page.path,
        editorial(views.EditorialPageView.as_view(page=page, extra_context=_EXTRA_CONTEXT.get(page.name))),
        name=page.name,
    )
    for page in PAGES
] + [
    path("benzodiazepines/<slug:slug>/", editorial(views.MedicationView.as_view()), name="medication"),
    path("sitemap.xml", public(sitemap), {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path(
        "robots.txt",
        public(TemplateView.as_view(template_name="pages/robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path(
        "site.webmanifest",
        public(TemplateView.as_view(template_name="pages/site.webmanifest", content_type="application/manifest+json")),
        name="manifest",
    ),
    path(".well-known/security.txt", public(views.security_txt), name="security_txt"),
    path("favicon.ico", public(views.favicon), name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("photos/<str:name>", views.photo, name="photo"),
]
