"""How many call-back requests one client may send in an hour.

The counter lives in the shared cache (Redis in production), so the limit holds across gunicorn workers and
hosts. Its key is a keyed hash of the client's address: the address itself is never stored.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from portland_site.client import client_network

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60 * 60


def _counter_key(request: HttpRequest) -> str:
    # Requests without a usable address (no REMOTE_ADDR, no trusted header) share one counter.
    digest = salted_hmac("consultations.ratelimit", str(client_network(request)), algorithm="sha256").hexdigest()
    return f"consultations:submissions:{digest}"


def is_limited(request: HttpRequest) -> bool:
    """Whether this client has already sent as many requests as the hour allows."""
    return cache.get(_counter_key(request), 0) >= settings.CONSULTATION_RATE_LIMIT_PER_HOUR


def count_submission(request: HttpRequest) -> bool:
    """Count one submission from this client, atomically; False when it is over the limit."""
    key = _counter_key(request)
    limit = settings.CONSULTATION_RATE_LIMIT_PER_HOUR
    cache.add(key, 0, timeout=PERIOD_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.add(key, 1, timeout=PERIOD_SECONDS)
        count = 1
    if count == 1:
        # Redis's INCR recreates a key that expired after Django's existence check, without an expiry; this
        # makes sure the first count of a window always ends.
        cache.touch(key, PERIOD_SECONDS)
    if count > limit:
        logger.warning("Call-back requests: a client went over the limit of %s an hour", limit)
        return False
    return True
