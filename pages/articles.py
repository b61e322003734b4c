"""Every page a clinician reviews, each chosen by its own name: the registry's articles, the FAQ and each
medication page (a review of the overview is not a review of the eight pages under it)."""

from pages.medications import MEDICATIONS
from pages.registry import PAGES

REVIEWABLE_PAGES_BY_NAME = {
    page.name: page for page in (*PAGES, *(medication.page for medication in MEDICATIONS)) if page.reviewable
}
