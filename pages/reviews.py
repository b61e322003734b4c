"""The articles' clinical reviews as the pages show them: the newest review of each article by a published team
member. Kept in the clinic's facts snapshot (see PagesConfig.ready), so a page reads them with the other facts."""

from dataclasses import dataclass
from datetime import date

from clinic.facts import current_facts
from pages.models import PageReview
from pages.registry import Page


@dataclass(frozen=True)
class PageReviewFact:
    reviewer_name: str
    reviewer_credentials: str
    reviewed_on: date


def latest_reviews() -> dict[str, PageReviewFact]:
    """The newest published review of each article, by page name."""
    reviews: dict[str, PageReviewFact] = {}
    published = PageReview.objects.filter(reviewer__published=True).select_related("reviewer")
    for review in published.order_by("page_name", "-reviewed_on", "-pk"):
        reviews.setdefault(
            review.page_name,
            PageReviewFact(
                reviewer_name=review.reviewer.name,
                reviewer_credentials=review.reviewer.credentials,
                reviewed_on=review.reviewed_on,
            ),
        )
    return reviews


def current_reviews() -> dict[str, PageReviewFact]:
    """The reviews in the current snapshot (none when the facts could not be read)."""
    return current_facts().more.get("reviews", {})


def page_review(page: Page) -> PageReviewFact | None:
    """The review a page shows: its own, never another page's."""
    return current_reviews().get(page.name)
