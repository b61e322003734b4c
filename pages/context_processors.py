from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.urls import reverse_lazy

from pages.registry import FOOTER_NAV, MAIN_NAV

CALLBACK_URL = reverse_lazy("consultations:request")


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str
    hours_text: str

    @property
    def phone_e164(self) -> str:
        number = phonenumbers.parse(self.phone, "US")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Retention:
    days: int
    spam_days: int


def clinic_from_settings() -> Clinic:
    return Clinic(
        name=settings.CLINIC_NAME,
        phone=settings.CLINIC_PHONE,
        address=settings.CLINIC_ADDRESS,
        hours_text=settings.CLINIC_OPENING_HOURS.text,
    )


def site(request) -> dict:
    """What every page shows: the clinic's details, the menus and the call-back link."""
    return {
        "clinic": clinic_from_settings(),
        "retention": Retention(
            days=settings.CONSULTATION_RETENTION_DAYS, spam_days=settings.CONSULTATION_SPAM_RETENTION_DAYS
        ),
        "main_nav": MAIN_NAV,
        "footer_nav": FOOTER_NAV,
        "callback_url": CALLBACK_URL,
        "site_url": settings.SITE_URL,
        "content_reviewer": settings.CONTENT_REVIEWER,
    }
