from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    # In the admin this app shows only the articles' clinical reviews; the pages themselves are templates.
    verbose_name = "Article reviews"

    def ready(self):
        from clinic.facts import add_to_snapshot
        from pages import checks  # noqa: F401 (registers the deploy checks)
        from pages.reviews import PageReviewFact, latest_reviews

        add_to_snapshot("reviews", latest_reviews, classes=(PageReviewFact,))
