"""Django's PostgreSQL backend, waiting for the server with a deadline (see the package's docstring)."""

import contextlib
import select
import time

import psycopg2
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg2 import extensions

from portland_site.breaker import DATABASE
from portland_site.database import answer_within, current_deadline

HEALTH_CHECK_SECONDS = 1
_EVENTS = {extensions.POLL_READ: select.POLLIN, extensions.POLL_WRITE: select.POLLOUT}


def _wait_with_deadline(conn) -> None:
    """psycopg2's wait callback: drive the connection until the server has answered, or give up at the deadline.

    psycopg2 closes the connection when this raises, so a late answer can never be read as the next query's.
    """
    deadline = current_deadline()
    if deadline is None and settings.DATABASE_STATEMENT_TIMEOUT:
        deadline = time.monotonic() + settings.DATABASE_STATEMENT_TIMEOUT + 1
    poller = select.poll()
    registered = False
    while (state := conn.poll()) != extensions.POLL_OK:
        if state not in _EVENTS:
            raise psycopg2.OperationalError(f"unexpected state from poll: {state}")
        if registered:
            poller.modify(conn.fileno(), _EVENTS[state])
        else:
            poller.register(conn.fileno(), _EVENTS[state])
            registered = True
        timeout = None if deadline is None else max(deadline - time.monotonic(), 0) * 1000
        if not poller.poll(timeout):
            error = psycopg2.OperationalError("the database did not answer in time")
            DATABASE.failed(error)
            raise error
    DATABASE.succeeded()


extensions.set_wait_callback(_wait_with_deadline)


class DatabaseWrapper(base.DatabaseWrapper):
    def connect(self):
        # While the breaker is open (the database failed a moment ago in this process), fail at once: every request
        # that needs the database would otherwise wait out the connect timeout, and hold a worker thread that long.
        if not DATABASE.allow():
            raise psycopg2.OperationalError("the database failed a moment ago; not tried")
        # Connecting and setting the session up, all within the connect timeout (0, as for libpq: no limit).
        seconds = int(self.settings_dict["OPTIONS"].get("connect_timeout", settings.DATABASE_CONNECT_TIMEOUT))
        try:
            with answer_within(seconds) if seconds else contextlib.nullcontext():
                super().connect()
        except psycopg2.OperationalError as error:  # refused, or no answer in time
            DATABASE.failed(error)
            raise

    def is_usable(self):
        # A kept connection is checked before each request reuses it; a silent server fails this check fast, and
        # the request goes on to a fresh connection (bounded by the connect timeout, or refused by the breaker).
        if DATABASE.is_open:
            return False
        with answer_within(HEALTH_CHECK_SECONDS):
            return super().is_usable()
