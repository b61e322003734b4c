from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    # In the admin this app shows only the clinic's facts; the editorial pages themselves are templates.
    verbose_name = "The clinic's facts"

    def ready(self):
        from pages import checks  # noqa: F401 (registers the deploy checks)
