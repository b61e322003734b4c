"""Counting requests of one kind per client (an IPv4 address or an IPv6 /64) over a fixed period, for limits.

The counters live in the shared cache (Redis in production), so a limit holds across gunicorn workers and hosts.
A key is a keyed hash of the client's address: the address itself is never stored. While the shared cache is
down, each process counts on its own (the `ratelimit` cache): the limit is then one per process, the site keeps
working, and the outage is logged once (portland_site/breaker.py). Used by the call-back form
(consultations/ratelimit.py) and the staff sign-in (portland_site/staff_admin.py).
"""

import contextlib
import logging
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from portland_site.breaker import REDIS
from portland_site.client import client_network

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientCounter:
    key_prefix: str  # the counters' names in the cache, e.g. "consultations:submissions"
    salt: str  # for the keyed hash of the address
    label: str  # what the logs call this limit, e.g. "Call-back rate limit"

    def _key(self, request: HttpRequest) -> str:
        # Requests without a usable address (no REMOTE_ADDR, no trusted header) share one counter.
        digest = salted_hmac(self.salt, str(client_network(request)), algorithm="sha256").hexdigest()
        return f"{self.key_prefix}:{digest}"

    def _on_counters(self, operation):
        """`operation(cache)` on the shared counters, or on this process's own while the shared cache fails."""
        try:
            return operation(cache)
        except Exception as error:  # whatever the cache's client raises (connection refused, timeout, ...)
            # An outage is logged once by the shared cache's breaker, and the count of calls it missed.
            if not REDIS.is_open:
                logger.warning(
                    "%s: the shared cache is unavailable (%s), so this process counts on its own",
                    self.label,
                    type(error).__name__,
                )
            return operation(caches["ratelimit"])

    def current(self, request: HttpRequest) -> int:
        """How many this client has been counted in the current period."""
        key = self._key(request)
        return self._on_counters(lambda counters: counters.get(key, 0))

    def count(self, request: HttpRequest, *, period_seconds: int) -> int:
        """Count one more for this client, atomically; the count so far in its period, this one included."""
        key = self._key(request)
        return self._on_counters(lambda counters: _count(counters, key, period_seconds))

    def uncount(self, request: HttpRequest) -> None:
        """Take back one count of this client's."""
        key = self._key(request)
        self._on_counters(lambda counters: _uncount(counters, key))


def _count(counters, key: str, period_seconds: int) -> int:
    counters.add(key, 0, timeout=period_seconds)
    try:
        count = counters.incr(key)
    except ValueError:  # the counter expired between add and incr
        counters.add(key, 1, timeout=period_seconds)
        count = 1
    if count == 1:
        # Redis's INCR recreates a key that expired after Django's existence check, without an expiry; this
        # makes sure the first count of a period always ends. Later counts never move the end.
        counters.touch(key, period_seconds)
    return count


def _uncount(counters, key: str) -> None:
    with contextlib.suppress(ValueError):  # the counter has expired meanwhile
        counters.decr(key)
