from django.contrib.sitemaps import Sitemap

from pages.medications import MEDICATIONS
from pages.registry import PAGES


class PageSitemap(Sitemap):
    """Every registry page, then every medication page."""

    def items(self):
        return [*PAGES, *(medication.page for medication in MEDICATIONS)]

    def location(self, item):
        return item.url
