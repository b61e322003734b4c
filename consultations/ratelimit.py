"""How many call-back requests one client may send in an hour.

The counter lives in the shared cache (Redis in production), so the limit holds across gunicorn workers and
hosts. Its key is a keyed hash of the client's address: the address itself is never stored. While the shared cache
is down, each process counts on its own (the `ratelimit` cache): the form keeps working, a client may then send the
limit to each process, and every such count is logged as a warning.
"""

import contextlib
import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from portland_site.client import client_network

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60 * 60


def _counter_key(request: HttpRequest) -> str:
    # Requests without a usable address (no REMOTE_ADDR, no trusted header) share one counter.
    digest = salted_hmac("consultations.ratelimit", str(client_network(request)), algorithm="sha256").hexdigest()
    return f"consultations:submissions:{digest}"


def _on_counters(operation):
    """`operation(cache)` on the shared counters, or on this process's own while the shared cache fails."""
    try:
        return operation(cache)
    except Exception as error:  # whatever the cache's client raises (connection refused, timeout, ...)
        logger.warning(
            "Call-back rate limit: the shared cache is unavailable (%s), so this process counts on its own",
            type(error).__name__,
        )
        return operation(caches["ratelimit"])


def is_limited(request: HttpRequest) -> bool:
    """Whether this client has already sent as many requests as the hour allows."""
    key = _counter_key(request)
    return _on_counters(lambda counters: counters.get(key, 0)) >= settings.CONSULTATION_RATE_LIMIT_PER_HOUR


def _count(counters, key: str) -> int:
    counters.add(key, 0, timeout=PERIOD_SECONDS)
    try:
        count = counters.incr(key)
    except ValueError:  # the counter expired between add and incr
        counters.add(key, 1, timeout=PERIOD_SECONDS)
        count = 1
    if count == 1:
        # Redis's INCR recreates a key that expired after Django's existence check, without an expiry; this
        # makes sure the first count of a window always ends.
        counters.touch(key, PERIOD_SECONDS)
    return count


def count_submission(request: HttpRequest) -> bool:
    """Count one submission from this client, atomically; False when it is over the limit."""
    key = _counter_key(request)
    limit = settings.CONSULTATION_RATE_LIMIT_PER_HOUR
    count = _on_counters(lambda counters: _count(counters, key))
    if count > limit:
        logger.warning("Call-back requests: a client went over the limit of %s an hour", limit)
        return False
    return True


def uncount_submission(request: HttpRequest) -> None:
    """Take back the count of a submission that could not be stored, so that sending it again is not held
    against the person."""
    key = _counter_key(request)
    _on_counters(lambda counters: _uncount(counters, key))


def _uncount(counters, key: str) -> None:
    with contextlib.suppress(ValueError):  # the counter has expired meanwhile
        counters.decr(key)
