import secrets

from consultations.services import submit_request


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
