"""Demo clinical reviews for `make run` (through `manage.py load_demo_data`, after the demo facts in clinic/demo.py):
every article reviewed today by the first published clinician."""

from django.db import transaction
from django.utils import timezone

from clinic.facts import facts_changed
from clinic.models import TeamMember
from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.models import PageReview


@transaction.atomic
def load_demo_reviews() -> bool:
    """Record a review of every article, unless reviews are recorded already or no clinician is published."""
    reviewer = TeamMember.objects.filter(published=True).exclude(credentials="").first()
    if reviewer is None or PageReview.objects.exists():
        return False
    for name in REVIEWABLE_PAGES_BY_NAME:
        PageReview.objects.create(page_name=name, reviewer=reviewer, reviewed_on=timezone.localdate())
    facts_changed()
    return True
