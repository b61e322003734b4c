"""How many call-back requests one client may send in an hour.

Counted per client in the shared cache by portland_site/ratelimit.py (a keyed hash of the address, never the
address; each process counts on its own, with a warning, while the shared cache is down).
"""

import logging

from django.conf import settings
from django.http import HttpRequest

from portland_site.ratelimit import ClientCounter, KeyedCounter

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


def _within(counter: KeyedCounter, count: int, *, limit: int, period_seconds: int) -> bool:
    """False (and a warning, without the address or link) when `count` just went over `limit`."""
    if count > limit:
        logger.warning("%s: went over the limit of %s in %s s", counter.label, limit, period_seconds)
        return False
    return True


def _count_within(counter: ClientCounter, request: HttpRequest, *, limit: int, period_seconds: int) -> bool:
    """Count one for this client, atomically; False when over `limit`."""
    count = counter.count(request, period_seconds=period_seconds)
    return _within(counter, count, limit=limit, period_seconds=period_seconds)


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


# Moves and cancellations through private links: each writes the request's audit trail, so a script replaying one
# link, or trying many, is stopped before it fills it. Per link a day, and per client an hour.
CHANGE_PERIOD_SECONDS = 60 * 60
LINK_CHANGE_PERIOD_SECONDS = 24 * 60 * 60
_changes_by_client = ClientCounter(
    key_prefix="consultations:link-changes", salt="consultations.link-changes", label="Call change limit (client)"
)
_changes_by_link = KeyedCounter(
    key_prefix="consultations:link-changes-of", salt="consultations.link-changes-of", label="Call change limit (link)"
)


def count_call_change(request: HttpRequest, *, link_hash: str) -> bool:
    """Count one move or cancellation through the link (known by its stored hash) from this client; False when
    either the link's day or the client's hour is over its limit."""
    by_link = _within(
        _changes_by_link,
        _changes_by_link.count_for(link_hash, period_seconds=LINK_CHANGE_PERIOD_SECONDS),
        limit=settings.CONSULTATION_CHANGES_PER_LINK_PER_DAY,
        period_seconds=LINK_CHANGE_PERIOD_SECONDS,
    )
    by_client = _count_within(
        _changes_by_client,
        request,
        limit=settings.CONSULTATION_CHANGES_PER_CLIENT_PER_HOUR,
        period_seconds=CHANGE_PERIOD_SECONDS,
    )
    return by_link and by_client


def uncount_call_change(request: HttpRequest, *, link_hash: str) -> None:
    """Take back a change that was refused (the time was taken meanwhile): trying again is not held against them."""
    _changes_by_link.uncount_for(link_hash)
    _changes_by_client.uncount(request)
