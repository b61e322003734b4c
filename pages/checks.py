"""`manage.py check --deploy` warns about an article without a recorded clinical review: the page then says nothing
about a review, which is honest, but the clinic should record one. (The clinic's facts are checked in
clinic/checks.py, which also reports a database that cannot be read.)"""

from django.core.checks import Warning, register
from django.db import DatabaseError

from pages.registry import REVIEWABLE_PAGES_BY_NAME
from pages.reviews import latest_reviews


@register("clinic_facts", deploy=True)
def check_page_reviews(app_configs=None, **kwargs):
    try:
        reviews = latest_reviews()
    except DatabaseError:
        return []
    where = 'Enter it in the admin, under "Article reviews".'
    return [
        Warning(f"The article {page.nav_label!r} has no recorded clinical review.", hint=where, id="pages.W001")
        for name, page in REVIEWABLE_PAGES_BY_NAME.items()
        if name not in reviews
    ]
