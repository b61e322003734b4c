"""A per-process circuit breaker for each service the site can live without for a while (Redis) or must wait for
(PostgreSQL), so that a service that hangs costs one timeout, not one per request.

Closed, every call goes through. The first call that fails opens the breaker: for `open_seconds` no call is
made and each fails at once (`allow()` says no). Then one call is let through as a trial: if it succeeds the
breaker closes, if it fails it stays open for another period. The log says once that the service went, once that
it came back, with how long it was away and how many calls failed or were skipped: an outage of any length is two
lines, not one traceback per request.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str, *, open_seconds: float) -> None:
        self.name = name
        self.open_seconds = open_seconds
        self._lock = threading.Lock()
        self._opened_at: float | None = None  # None: closed
        self._retry_at = 0.0
        self._trial_running = False
        self._missed = 0  # calls that failed or were skipped since it opened

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """Whether to make the call now. While open: no, except for one trial call once `open_seconds` passed."""
        with self._lock:
            if self._opened_at is None:
                return True
            if not self._trial_running and time.monotonic() >= self._retry_at:
                self._trial_running = True
                return True
            self._missed += 1
            return False

    def succeeded(self) -> None:
        if self._opened_at is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self._opened_at is None:
                return
            away, missed = time.monotonic() - self._opened_at, self._missed
            self._opened_at, self._trial_running, self._missed = None, False, 0
        logger.warning("%s is back after %.0f s; %s call(s) failed or were skipped meanwhile", self.name, away, missed)

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            self._retry_at = now + self.open_seconds
            self._trial_running = False
            self._missed += 1
            if self._opened_at is not None:
                return
            self._opened_at = now
        logger.warning(
            "%s is unavailable (%s: %s); calls are skipped for %g s at a time until it answers again",
            self.name,
            type(error).__name__,
            str(error)[:200],
            self.open_seconds,
        )


# One of each per process: every thread of a process shares what it learnt about the service.
REDIS = CircuitBreaker("Redis (the shared cache)", open_seconds=5)
DATABASE = CircuitBreaker("PostgreSQL", open_seconds=3)
