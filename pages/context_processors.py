from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse_lazy

from pages.registry import FOOTER_NAV, MAIN_NAV

CALLBACK_URL = reverse_lazy("consultations:request")


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    phone_e164: str
    address: str
    hours_text: str


@dataclass(frozen=True)
class Retention:
    days: int
    spam_days: int
    max_days: int


def clinic_from_settings() -> Clinic:
    return Clinic(
        name=settings.CLINIC_NAME,
        phone=settings.CLINIC_PHONE,
        phone_e164=settings.CLINIC_PHONE_E164,
        address=settings.CLINIC_ADDRESS,
        hours_text=settings.CLINIC_OPENING_HOURS.text,
    )


def site(request) -> dict:
    """What every page shows: the clinic's details, the menus and the call-back link."""
    return {
        "clinic": clinic_from_settings(),
        "retention": Retention(
            days=settings.CONSULTATION_RETENTION_DAYS,
            spam_days=settings.CONSULTATION_SPAM_RETENTION_DAYS,
            max_days=settings.CONSULTATION_MAX_RETENTION_DAYS,
        ),
        "main_nav": MAIN_NAV,
        "footer_nav": FOOTER_NAV,
        "callback_url": CALLBACK_URL,
        "site_url": settings.SITE_URL,
        "content_reviewer": settings.CONTENT_REVIEWER,
    }
