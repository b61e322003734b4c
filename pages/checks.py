"""`manage.py check --deploy` warns about an article without a recorded clinical review: the page then says nothing
about a review, which is honest, but the clinic should record one. A review by a team member the demo data made is
an error: no one reviewed that page. (The clinic's facts are checked in
clinic/checks.py, which also reports a database that cannot be read.)"""

from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.models import PageReview
from pages.reviews import latest_reviews


@register("clinic_facts", deploy=True)
def check_page_reviews(app_configs=None, **kwargs):
    try:
        reviews = latest_reviews()
    except DatabaseError:
        return []
    where = 'Enter it in the admin, under "Article reviews".'
    demo_reviewed = sorted(set(PageReview.objects.filter(reviewer__demo=True).values_list("page_name", flat=True)))
    return [
        Error(
            f"The review of {REVIEWABLE_PAGES_BY_NAME[name].nav_label!r} is by a team member the demo data made.",
            hint='Delete it under "Article reviews", and record the real clinician\'s review.',
            id="pages.E001",
        )
        for name in demo_reviewed
        if name in REVIEWABLE_PAGES_BY_NAME
    ] + [
        Warning(f"The article {page.nav_label!r} has no recorded clinical review.", hint=where, id="pages.W001")
        for name, page in REVIEWABLE_PAGES_BY_NAME.items()
        if name not in reviews
    ]
