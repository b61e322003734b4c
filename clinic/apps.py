from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "The clinic's facts"

    def ready(self):
        from clinic import checks  # noqa: F401 (registers the deploy checks)
