"""How many call-back requests one client may send in an hour.

Counted per client in the shared cache by portland_site/ratelimit.py (a keyed hash of the address, never the
address; each process counts on its own, with a warning, while the shared cache is down).
"""

import logging

from django.conf import settings
from django.http import HttpRequest

from portland_site.ratelimit import ClientCounter

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60 * 60

_submissions = ClientCounter(
    key_prefix="consultations:submissions", salt="consultations.ratelimit", label="Call-back rate limit"
)


def is_limited(request: HttpRequest) -> bool:
    """Whether this client has already sent as many requests as the hour allows."""
    return _submissions.current(request) >= settings.CONSULTATION_RATE_LIMIT_PER_HOUR


def count_submission(request: HttpRequest) -> bool:
    """Count one submission from this client, atomically; False when it is over the limit."""
    limit = settings.CONSULTATION_RATE_LIMIT_PER_HOUR
    if _submissions.count(request, period_seconds=PERIOD_SECONDS) > limit:
        logger.warning("Call-back requests: a client went over the limit of %s an hour", limit)
        return False
    return True


def uncount_submission(request: HttpRequest) -> None:
    """Take back the count of a submission that could not be stored, so that sending it again is not held
    against the person."""
    _submissions.uncount(request)
