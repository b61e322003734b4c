from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    # The admin section: the requests, their audit trail and the staff emails, worked by the Intake staff group.
    verbose_name = "Intake"
