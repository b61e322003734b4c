"""Django's PostgreSQL backend (psycopg 3), waiting for the server with a deadline (see the package's docstring)."""

import contextlib
import math
import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import errors

from portland_site.breaker import DATABASE
from portland_site.database import answer_within, current_deadline

HEALTH_CHECK_SECONDS = 1


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that gives up on the server at the deadline (answer_within), or a second after the
    statement timeout: past it the connection is closed, so a late answer can never be read as the next query's,
    and the call raises OperationalError."""

    def wait(self, gen, interval=0.1, timeout=None):
        deadline = current_deadline()
        if deadline is None and settings.DATABASE_STATEMENT_TIMEOUT:
            deadline = time.monotonic() + settings.DATABASE_STATEMENT_TIMEOUT + 1
        if deadline is not None:
            remaining = max(deadline - time.monotonic(), 0.001)
            timeout = remaining if timeout is None else min(timeout, remaining)
        try:
            result = super().wait(gen, interval=interval, timeout=timeout)
        except errors._WaitTimeout as timed_out:  # psycopg's own: the wait's timeout expired
            self.pgconn.finish()
            error = psycopg.OperationalError("the database did not answer in time")
            DATABASE.failed(error)
            raise error from timed_out
        DATABASE.succeeded()
        return result


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = current_deadline()
        if deadline is not None:
            # psycopg bounds connecting by connect_timeout alone, in whole seconds and at least 2 (as libpq).
            remaining = math.ceil(max(deadline - time.monotonic(), 1))
            conn_params = {
                **conn_params,
                "connect_timeout": min(remaining, int(conn_params.get("connect_timeout") or remaining)),
            }
        connection = super().get_new_connection(conn_params)
        # Django connects with psycopg.connect, which makes a plain Connection: give it the deadline's wait (the
        # subclass only overrides a method, so the object is the same in every other way).
        connection.__class__ = DeadlineConnection
        return connection

    def connect(self):
        # While the breaker is open (the database failed a moment ago in this process), fail at once: every request
        # that needs the database would otherwise wait out the connect timeout, and hold a worker thread that long.
        if not DATABASE.allow():
            raise psycopg.OperationalError("the database failed a moment ago; not tried")
        # Connecting and setting the session up, all within the connect timeout (0, as for libpq: no limit).
        seconds = int(self.settings_dict["OPTIONS"].get("connect_timeout", settings.DATABASE_CONNECT_TIMEOUT))
        try:
            with answer_within(seconds) if seconds else contextlib.nullcontext():
                super().connect()
        except psycopg.OperationalError as error:  # refused, or no answer in time
            DATABASE.failed(error)
            raise
        DATABASE.succeeded()

    def is_usable(self):
        # A kept connection is checked before each request reuses it; a silent server fails this check fast, and
        # the request goes on to a fresh connection (bounded by the connect timeout, or refused by the breaker).
        if DATABASE.is_open:
            return False
        with answer_within(HEALTH_CHECK_SECONDS):
            return super().is_usable()
