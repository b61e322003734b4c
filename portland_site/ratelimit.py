"""Counting requests of one kind per client (an IPv4 address or an IPv6 /64, or wider networks), or per other key
(a private link, a username, the whole site), over a fixed period, for limits; and a few slots for a costly
thing, held at most so many at a time.

The counters live in the shared cache (Redis in production), so a limit holds across gunicorn workers and hosts.
A key is a keyed hash of the client's address (or of the link, the username): none is ever stored. While the
shared cache is down, each process counts on its own (the `ratelimit` cache): the limit is then one per process,
the site keeps working, and the outage is logged once (portland_site/breaker.py). Used by the call-back form and
the private links (consultations/ratelimit.py) and the staff sign-in (portland_site/staff_admin.py).
"""

import contextlib
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from portland_site.breaker import REDIS
from portland_site.client import client_network

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeyedCounter:
    """Counts per key (a client's network, a private link), kept as a keyed hash of the key."""

    key_prefix: str  # the counters' names in the cache, e.g. "consultations:submissions"
    salt: str  # for the keyed hash
    label: str  # what the logs call this limit, e.g. "Call-back rate limit"

    def _key(self, material: str) -> str:
        digest = salted_hmac(self.salt, material, algorithm="sha256").hexdigest()
        return f"{self.key_prefix}:{digest}"

    def _on_counters(self, operation):
        return _on_counters(self.label, operation)

    def current_for(self, material: str) -> int:
        """How many `material` has been counted in the current period."""
        key = self._key(material)
        return self._on_counters(lambda counters: counters.get(key, 0))

    def count_for(self, material: str, *, period_seconds: int) -> int:
        """Count one more for `material`, atomically; the count so far in its period, this one included."""
        key = self._key(material)
        return self._on_counters(lambda counters: _count(counters, key, period_seconds))

    def uncount_for(self, material: str) -> None:
        """Take back one count of `material`'s."""
        key = self._key(material)
        self._on_counters(lambda counters: _uncount(counters, key))


@dataclass(frozen=True)
class ClientCounter(KeyedCounter):
    """Counts per client: its network, by default an IPv4 address or an IPv6 /64."""

    ipv4_prefix: int = 32  # the network counted as one client
    ipv6_prefix: int = 64

    def _client(self, request: HttpRequest) -> str:
        # Requests without a usable address (no REMOTE_ADDR, no trusted header) share one counter.
        return str(client_network(request, ipv4_prefix=self.ipv4_prefix, ipv6_prefix=self.ipv6_prefix))

    def current(self, request: HttpRequest) -> int:
        """How many this client has been counted in the current period."""
        return self.current_for(self._client(request))

    def count(self, request: HttpRequest, *, period_seconds: int) -> int:
        """Count one more for this client, atomically; the count so far in its period, this one included."""
        return self.count_for(self._client(request), period_seconds=period_seconds)

    def uncount(self, request: HttpRequest) -> None:
        """Take back one count of this client's."""
        self.uncount_for(self._client(request))


@dataclass(frozen=True)
class Slots:
    """At most so many of one costly thing at a time, across every process: each holder leases one of a few
    numbered keys. A lease ends when given back, or after `lease_seconds` if its process died holding it."""

    key_prefix: str
    label: str
    lease_seconds: int

    @contextlib.contextmanager
    def held(self, size: int) -> Iterator[bool]:
        """Holds a slot for the `with` block, True; False (nothing held) while all `size` are taken."""
        lease = secrets.token_hex(8)
        key = _on_counters(self.label, lambda counters: self._take(counters, size, lease))
        try:
            yield key is not None
        finally:
            if key is not None:
                _on_counters(self.label, lambda counters: _give_back(counters, key, lease))

    def _take(self, counters, size: int, lease: str) -> str | None:
        for index in range(size):
            key = f"{self.key_prefix}:{index}"
            if counters.add(key, lease, timeout=self.lease_seconds):
                return key
        return None


def _on_counters(label: str, operation):
    """`operation(cache)` on the shared counters, or on this process's own while the shared cache fails."""
    try:
        return operation(cache)
    except Exception as error:  # whatever the cache's client raises (connection refused, timeout, ...)
        # An outage is logged once by the shared cache's breaker, with the count of calls it missed.
        if not REDIS.is_open:
            logger.warning(
                "%s: the shared cache is unavailable (%s), so this process counts on its own",
                label,
                type(error).__name__,
            )
        return operation(caches["ratelimit"])


def _give_back(counters, key: str, lease: str) -> None:
    # Only our own lease: after lease_seconds the slot may be someone else's.
    if counters.get(key) == lease:
        counters.delete(key)


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
