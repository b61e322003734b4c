"""Today's counters, before the worker adds them to the daily tables (insights.aggregation).

With REDIS_URL they live in Redis, shared by every web process: one hash per day, one field per thing counted,
raised with HINCRBY (atomic, so concurrent beacons from any number of processes add up), by each process about
twice a second; the worker moves them to the database every INSIGHTS_FLUSH_SECONDS on its own clock
(`run_worker`), never in a web request. Without it (`make run`, tests without Redis) each process keeps its own in
memory and moves them itself, from a thread of its own. Nothing here knows about a person: a field is a kind and
a key such as ("view", "/faq/") or ("referrer", "duckduckgo.com").

Referrers and campaign tags come from anyone's beacon: only the first INSIGHTS_NEW_KEYS_PER_DAY of each kind get
a counter of their own each day, the rest count as "other". Counts in Redis wait there at most a flush interval:
a Redis that restarts without them loses at most that (docs/outages.md).
"""

import atexit
import contextlib
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import redis
from django.conf import settings
from django.utils import timezone

from insights.models import Kind
from portland_site.every import start_every
from portland_site.redis_cache import call_redis

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


# The kinds whose keys come from the beacon's sender, capped per day.
CAPPED_KINDS = frozenset({Kind.REFERRER, Kind.SOURCE, Kind.CAMPAIGN})
OTHER = "other"

# Raise one capped field, or its kind's "other" once the day's set of its keys is full. KEYS: the day's hash, the
# day's set of this kind's keys. ARGV: the key, its field, the "other" field, the cap, the number, the set's life.
_RAISE_CAPPED = """
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 or redis.call('SCARD', KEYS[2]) < tonumber(ARGV[4]) then
    redis.call('SADD', KEYS[2], ARGV[1])
    redis.call('EXPIRE', KEYS[2], ARGV[6])
    return redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[5])
end
return redis.call('HINCRBY', KEYS[1], ARGV[3], ARGV[5])
"""
# A day's set of keys must outlive the day in every time zone.
_KEYS_SET_SECONDS = 3 * 24 * 60 * 60


class RedisCounters:
    """Each process adds up its beacons for PUSH_SECONDS and then raises the shared counters in one round trip:
    a beacon costs no Redis call of its own. A process killed outright loses at most its last PUSH_SECONDS. While
    Redis is away (its breaker open: portland_site/breaker.py) the counts wait in the process for the next push."""

    shared = True

    def __init__(self, url: str, prefix: str):
        timeout = settings.REDIS_SOCKET_TIMEOUT
        self.client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        self.prefix = f"{prefix}:insights"
        self._raise_capped = self.client.register_script(_RAISE_CAPPED)
        self._lock = threading.Lock()
        self._pending: Counter[tuple[date, Field]] = Counter()
        self._pusher: threading.Thread | None = None
        atexit.register(self._push_at_exit)

    def add(self, day: date, fields: list[Field]) -> None:
        with self._lock:
            self._pending.update((day, field) for field in fields)
            if self._pusher is None or not self._pusher.is_alive():
                self._pusher = threading.Thread(target=self._push_forever, name="visit-counts", daemon=True)
                self._pusher.start()

    def _push_forever(self) -> None:
        while True:
            time.sleep(PUSH_SECONDS)
            # Redis away: the breaker has said so, once; the counts are kept in memory for the next push.
            with contextlib.suppress(redis.RedisError):
                self.push()

    def _push_at_exit(self) -> None:
        with contextlib.suppress(redis.RedisError):  # too late to keep them anywhere else
            self.push()

    def _day_key(self, day: date) -> str:
        return f"{self.prefix}:day:{day.isoformat()}"

    def push(self) -> None:
        """Raise the shared counters by what this process counted since the last push (HINCRBY is atomic)."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        pipe = self.client.pipeline(transaction=False)
        for (day, (kind, key)), number in pending.items():
            if kind in CAPPED_KINDS:
                keys_set = f"{self.prefix}:keys:{day.isoformat()}:{kind}"
                other = _encode((kind, OTHER))
                arguments = [key, _encode((kind, key)), other, settings.INSIGHTS_NEW_KEYS_PER_DAY, number]
                self._raise_capped(
                    keys=[self._day_key(day), keys_set], args=[*arguments, _KEYS_SET_SECONDS], client=pipe
                )
            else:
                pipe.hincrby(self._day_key(day), _encode((kind, key)), number)
        for day in {day for day, _ in pending}:
            pipe.expire(self._day_key(day), KEEP_SECONDS)
        try:
            call_redis(pipe.execute)
        except redis.RedisError:
            with self._lock:
                self._pending.update(pending)
            raise

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
    """This process's counters, moved to the database by a thread of this process every INSIGHTS_FLUSH_SECONDS
    (no worker could see them)."""

    shared = False

    def __init__(self):
        self._lock = threading.Lock()
        self._days: defaultdict[date, Counter] = defaultdict(Counter)
        self._keys: defaultdict[tuple[date, str], set[str]] = defaultdict(set)
        self._flusher: threading.Thread | None = None

    def _capped(self, day: date, field: Field) -> Field:
        kind, key = field
        if kind not in CAPPED_KINDS:
            return field
        known = self._keys[day, kind]
        if key not in known and len(known) >= settings.INSIGHTS_NEW_KEYS_PER_DAY:
            return kind, OTHER
        known.add(key)
        return field

    def add(self, day: date, fields: list[Field]) -> None:
        with self._lock:
            self._days[day].update(self._capped(day, field) for field in fields)
            if self._flusher is None:
                from insights.aggregation import flush_counts  # noqa: PLC0415 (it imports this module)

                self._flusher = start_every(
                    flush_counts,
                    seconds=settings.INSIGHTS_FLUSH_SECONDS,
                    name="Flush of this process's visit counts",
                    wait_first=True,
                )

    def take(self) -> list[Batch]:
        with self._lock:
            days, self._days = self._days, defaultdict(Counter)
            for day, kind in [held for held in self._keys if held[0] < timezone.localdate() - timedelta(days=2)]:
                del self._keys[day, kind]
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


def count(day: date, fields: list[Field]) -> None:
    """Count the fields for the day. It never waits for Redis, nor fails with it, nor touches the database."""
    counter_store().add(day, fields)
