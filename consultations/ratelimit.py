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


BOOKING_PERIOD_SECONDS = 24 * 60 * 60

# Booked call times are scarce: counted per IPv4 /24 and IPv6 /48, the networks one customer can easily hold.
_bookings = ClientCounter(
    key_prefix="consultations:bookings",
    salt="consultations.booking-limit",
    label="Booking limit",
    ipv4_prefix=24,
    ipv6_prefix=48,
)


def _count_within(counter: ClientCounter, request: HttpRequest, *, limit: int, period_seconds: int) -> bool:
    """Count one for this client, atomically; False (and a warning, without the address) when over `limit`."""
    if counter.count(request, period_seconds=period_seconds) > limit:
        logger.warning("%s: a client went over the limit of %s in %s s", counter.label, limit, period_seconds)
        return False
    return True


def count_booking(request: HttpRequest) -> bool:
    """Count one booked call time from this client's network; False when it is over the day's limit."""
    return _count_within(
        _bookings,
        request,
        limit=settings.CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY,
        period_seconds=BOOKING_PERIOD_SECONDS,
    )


def uncount_booking(request: HttpRequest) -> None:
    """Take back the count of a booking that was not made."""
    _bookings.uncount(request)


def is_limited(request: HttpRequest) -> bool:
    """Whether this client has already sent as many requests as the hour allows."""
    return _submissions.current(request) >= settings.CONSULTATION_RATE_LIMIT_PER_HOUR


def count_submission(request: HttpRequest) -> bool:
    """Count one submission from this client, atomically; False when it is over the limit."""
    return _count_within(
        _submissions, request, limit=settings.CONSULTATION_RATE_LIMIT_PER_HOUR, period_seconds=PERIOD_SECONDS
    )


def uncount_submission(request: HttpRequest) -> None:
    """Take back the count of a submission that could not be stored, so that sending it again is not held
    against the person."""
    _submissions.uncount(request)
