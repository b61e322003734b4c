"""The clinical reviews of the articles: who on the clinic's team read each one and when.

The rest of the clinic's facts (and the team itself) live in `clinic`.
"""

from django.core.exceptions import ValidationError
from django.db import models

from clinic.models import TeamMember
from pages.articles import REVIEWABLE_PAGES_BY_NAME


def _validate_reviewable_page(value: str) -> None:
    if value not in REVIEWABLE_PAGES_BY_NAME:
        raise ValidationError("Choose one of the articles.")


class PageReview(models.Model):
    """A clinical review of an article: who on the team read it and when. The newest one is shown.

    The article is named as in pages.registry (not a database choice, so a new article needs no migration).
    """

    page_name = models.CharField("article", max_length=64, validators=[_validate_reviewable_page])
    reviewer = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()

    class Meta:
        ordering = ["page_name", "-reviewed_on"]

    def __str__(self) -> str:
        return f"{self.article} reviewed {self.reviewed_on}"

    @property
    def article(self) -> str:
        page = REVIEWABLE_PAGES_BY_NAME.get(self.page_name)
        return page.nav_label if page else self.page_name
