from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse_lazy

from clinic.facts import current_facts
from pages.registry import FOOTER_NAV, MAIN_NAV_GROUPS

CALLBACK_URL = reverse_lazy("consultations:request")


@dataclass(frozen=True)
class Retention:
    days: int
    spam_days: int
    max_days: int


def site(request) -> dict:
    """What every page shows: the clinic's facts (pages/facts.py), the menus and the call-back link."""
    return {
        "clinic": current_facts().clinic,
        "retention": Retention(
            days=settings.CONSULTATION_RETENTION_DAYS,
            spam_days=settings.CONSULTATION_SPAM_RETENTION_DAYS,
            max_days=settings.CONSULTATION_MAX_RETENTION_DAYS,
        ),
        "main_nav_groups": MAIN_NAV_GROUPS,
        "footer_nav": FOOTER_NAV,
        "callback_url": CALLBACK_URL,
        "site_url": settings.SITE_URL,
        # While developing, pages say that the clinic's facts are made up (`load_demo_data`).
        "development_banner": settings.DEBUG,
    }
