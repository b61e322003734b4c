import secrets
from datetime import timedelta

from bs4 import BeautifulSoup
from django.utils import timezone

from consultations.forms import FORM_TOKEN_FIELD, issue_form_token
from consultations.services import submit_request

FORM_URL = "/request-a-call-back/"
THANKS_URL = "/request-a-call-back/thanks/"


def opened_form_token(seconds_ago: float = 30) -> str:
    """A form token as if the page had been opened `seconds_ago` (no test waits out the minimum fill time)."""
    return issue_form_token(now=timezone.now() - timedelta(seconds=seconds_ago))


def valid_answers(**overrides) -> dict:
    answers = {
        "name": "  Zoë  ",
        "phone": "(207) 555-0142",
        "call_times": ["mornings", "evenings"],
        "voicemail_ok": "no",
        "email": "zoe@example.org",
        "request_for": "myself",
        "message": "Mornings are best, before 10.",
        "agree_to_privacy_notice": "on",
        "website": "",
        FORM_TOKEN_FIELD: opened_form_token(),
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def stored_request(**overrides):
    """A request stored through the service, with plausible answers."""
    details = {
        "name": "Sam",
        "phone": "+12075550142",
        "call_times": ["mornings"],
        "voicemail_ok": True,
        "email": "",
        "request_for": "myself",
        "message": "",
        "submission_token": secrets.token_urlsafe(16),
    }
    details.update(overrides)
    return submit_request(**details)
