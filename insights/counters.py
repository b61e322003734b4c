"""Today's counters, before the worker adds them to the daily tables (insights.aggregation).

With REDIS_URL they live in Redis, shared by every web process: one hash per day, one field per thing counted,
raised with HINCRBY (atomic, so concurrent beacons from any number of processes add up), by each process about
twice a second. Without it (`make run`,
tests without Redis) each process keeps its own in memory. Nothing here knows about a person: a field is a kind
and a key such as ("view", "/faq/") or ("referrer", "duckduckgo.com").
"""

import atexit
import contextlib
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# Counts the worker never moved (it was down this long) expire rather than pile up.
KEEP_SECONDS = 14 * 24 * 60 * 60

# How long a web process adds up beacons before it raises the shared counters.
PUSH_SECONDS = 0.5

Field = tuple[str, str]  # (kind, key)


@dataclass(frozen=True)
class Batch:
    """Counts taken out of the store for one day, under an id that is recorded when they reach the database."""

    id: str
    day: date
    counts: dict[Field, int]
    handle: str = ""


def _encode(field: Field) -> str:
    return "|".join(field)  # neither a kind nor a checked key contains "|"


def _decode(raw: bytes | str) -> Field:
    text = raw.decode() if isinstance(raw, bytes) else raw
    kind, _, key = text.partition("|")
    return kind, key


class RedisCounters:
    """Each process adds up its beacons for PUSH_SECONDS and then raises the shared counters in one round trip:
    a beacon costs no Redis call of its own. A process killed outright loses at most its last PUSH_SECONDS."""

    shared = True

    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.prefix = f"{prefix}:insights"
        self._lock = threading.Lock()
        self._pending: Counter[tuple[date, Field]] = Counter()
        self._pusher: threading.Thread | None = None
        self._flush_due = False
        atexit.register(self._push_at_exit)

    def add(self, day: date, fields: list[Field]) -> bool:
        """Count each field once; True when it is time to flush (once per INSIGHTS_FLUSH_SECONDS, all hosts)."""
        with self._lock:
            self._pending.update((day, field) for field in fields)
            if self._pusher is None or not self._pusher.is_alive():
                self._pusher = threading.Thread(target=self._push_forever, name="visit-counts", daemon=True)
                self._pusher.start()
            due, self._flush_due = self._flush_due, False
        return due

    def _push_forever(self) -> None:
        while True:
            time.sleep(PUSH_SECONDS)
            try:
                self.push()
            except redis.RedisError as error:
                logger.warning("visit counters unavailable (%s); kept in memory for the next push", error)

    def _push_at_exit(self) -> None:
        with contextlib.suppress(redis.RedisError):  # too late to keep them anywhere else
            self.push()

    def push(self) -> None:
        """Raise the shared counters by what this process counted since the last push (HINCRBY is atomic)."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        pipe = self.client.pipeline(transaction=False)
        for (day, field), number in pending.items():
            pipe.hincrby(f"{self.prefix}:day:{day.isoformat()}", _encode(field), number)
        for day in {day for day, _ in pending}:
            pipe.expire(f"{self.prefix}:day:{day.isoformat()}", KEEP_SECONDS)
        pipe.set(f"{self.prefix}:flush-due", 1, nx=True, px=max(1, round(settings.INSIGHTS_FLUSH_SECONDS * 1000)))
        try:
            flush_due = pipe.execute()[-1]
        except redis.RedisError:
            with self._lock:
                self._pending.update(pending)
            raise
        if flush_due:
            with self._lock:
                self._flush_due = True

    def take(self) -> list[Batch]:
        self.push()
        # RENAME is atomic: beacons arriving meanwhile start a fresh hash, and of two workers only one gets a day.
        for key in self.client.scan_iter(match=f"{self.prefix}:day:*"):
            day = key.decode().rsplit(":", 1)[1]
            try:
                self.client.rename(key, f"{self.prefix}:flushing:{day}:{uuid.uuid4().hex}")
            except redis.ResponseError:  # another worker renamed it first
                continue
        batches = []
        # Taken now or left by an earlier flush that could not finish.
        for key in self.client.scan_iter(match=f"{self.prefix}:flushing:*"):
            day, batch_id = key.decode().rsplit(":", 2)[1:]
            counts = {_decode(field): int(value) for field, value in self.client.hgetall(key).items()}
            batches.append(Batch(id=batch_id, day=date.fromisoformat(day), counts=counts, handle=key.decode()))
        return batches

    def done(self, batch: Batch) -> None:
        self.client.delete(batch.handle)

    def keep(self, batch: Batch) -> None:
        """Not flushed: it stays under its flushing key, and the next flush tries it again."""


class LocalCounters:
    """This process's counters, flushed by this process (there is no worker that could see them)."""

    shared = False

    def __init__(self):
        self._lock = threading.Lock()
        self._days: defaultdict[date, Counter] = defaultdict(Counter)
        self._last_flush = time.monotonic()

    def add(self, day: date, fields: list[Field]) -> bool:
        with self._lock:
            self._days[day].update(fields)
            due = time.monotonic() - self._last_flush >= settings.INSIGHTS_FLUSH_SECONDS
            if due:
                self._last_flush = time.monotonic()
        return due

    def take(self) -> list[Batch]:
        with self._lock:
            days, self._days = self._days, defaultdict(Counter)
        return [Batch(id=uuid.uuid4().hex, day=day, counts=dict(counts)) for day, counts in days.items()]

    def done(self, batch: Batch) -> None:
        pass

    def keep(self, batch: Batch) -> None:
        with self._lock:
            self._days[batch.day].update(batch.counts)


@cache
def _store_for(redis_url: str, prefix: str) -> RedisCounters | LocalCounters:
    return RedisCounters(redis_url, prefix) if redis_url else LocalCounters()


def counter_store() -> RedisCounters | LocalCounters:
    return _store_for(settings.REDIS_URL, settings.CACHES["default"].get("KEY_PREFIX", ""))


def count(day: date, fields: list[Field]) -> bool:
    """Count the fields for the day; True when a flush is due. It never waits for Redis, nor fails with it."""
    return counter_store().add(day, fields)
