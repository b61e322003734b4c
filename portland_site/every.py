"""Running a job every so many seconds in a thread, as `run_worker`'s clock does (settings.WORKER_CLOCK)."""

import logging
import threading

import redis
from django.db import close_old_connections, connections

from portland_site.database import UNAVAILABLE

logger = logging.getLogger(__name__)


def run_every(job, *, seconds: float, name: str, stop: threading.Event, wait_first: bool = False) -> None:
    """Call `job()` now (or after `seconds`, `wait_first`) and then every `seconds` until `stop` is set, each time
    on fresh database connections. A database or Redis that is away costs a line per tick (their breakers say
    more); any other failure is logged with its traceback; the clock keeps ticking either way."""
    try:
        if wait_first and stop.wait(seconds):
            return
        while True:
            close_old_connections()
            try:
                job()
            except (*UNAVAILABLE, redis.RedisError) as error:
                logger.warning("%s did not run (%s); trying again in %g s", name, type(error).__name__, seconds)
            except Exception:
                logger.exception("%s failed; trying again in %g s", name, seconds)
            if stop.wait(seconds):
                return
    finally:
        connections.close_all()


def start_every(
    job, *, seconds: float, name: str, stop: threading.Event | None = None, wait_first: bool = False
) -> threading.Thread:
    """`run_every` in a daemon thread of its own, started now."""
    thread = threading.Thread(
        target=run_every,
        args=(job,),
        kwargs={"seconds": seconds, "name": name, "stop": stop or threading.Event(), "wait_first": wait_first},
        name=name,
        daemon=True,
    )
    thread.start()
    return thread
