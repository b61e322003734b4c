"""Django's Redis cache behind the Redis circuit breaker (portland_site/breaker.py).

With a Redis that accepts connections but never answers, each call would wait for the socket timeout; behind the
breaker only the first call (and one trial every few seconds) does, and the rest fail at once with
`SharedCacheUnavailable`, which the site's callers already treat as "no shared cache" (pages are rendered or
taken from the process's memory, rate limits count per process).
"""

import logging
from functools import wraps

import redis
from django.core.cache.backends.redis import RedisCache

from portland_site.breaker import REDIS

logger = logging.getLogger(__name__)


class SharedCacheUnavailable(redis.ConnectionError):
    """Raised without calling Redis while the breaker is open."""


def call_redis(operation, *args, **kwargs):
    """`operation(*args, **kwargs)`, a call to Redis, through the breaker."""
    if not REDIS.allow():
        raise SharedCacheUnavailable("Redis was not answering a moment ago; not tried")
    try:
        result = operation(*args, **kwargs)
    except redis.RedisError as error:
        if isinstance(error, redis.ResponseError):  # Redis answered: a refused command is not an outage
            REDIS.succeeded()
        else:
            REDIS.failed(error)
        raise
    except BaseException:
        REDIS.succeeded()  # not an outage (a value that can't be pickled, a bug): the trial must not stay open
        raise
    REDIS.succeeded()
    return result


def or_none(operation, *args):
    """`operation(*args)` on the shared cache, or None when it fails: the shared cache only saves work. An outage
    is logged by the breaker, once; any other failure here, each time."""
    try:
        return operation(*args)
    except Exception:  # whatever the cache's client raises
        if not REDIS.is_open:
            logger.warning("shared cache call failed", exc_info=True)
        return None


def _guarded(method):
    @wraps(method)
    def guarded(self, *args, **kwargs):
        return call_redis(method, self, *args, **kwargs)

    return guarded


class BreakerRedisCache(RedisCache):
    pass


# Each of these makes one call to Redis (none calls another of them; decr and get_or_set go through them).
for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many"):
    setattr(BreakerRedisCache, _name, _guarded(getattr(RedisCache, _name)))
