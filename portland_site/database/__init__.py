"""PostgreSQL with deadlines, so that a database that can't answer costs a request seconds, not a hung worker.

The server cancels a statement that runs longer than DATABASE_STATEMENT_TIMEOUT (its own `statement_timeout`).
That needs a server able to act: across a network partition, or from a frozen server, no answer ever comes, and
libpq would wait for ever on an open connection. So this backend (ENGINE `portland_site.database`, chosen by
settings for PostgreSQL) also waits on the client side, with a deadline: connecting may take
DATABASE_CONNECT_TIMEOUT, a statement a second more than the server's timeout, the health check of a kept
connection a second. Past its deadline the connection is closed and the query raises OperationalError, which
the site answers with its 503 page (pages.views.server_error).

Values travel apart from the statement (psycopg 3's server-side binding, `server_side_binding` in settings): the
server sees `INSERT … VALUES ($1, $2, …)` and the values as parameters, so a statement that fails (a timeout while
waiting for a lock, say) is written to PostgreSQL's log without a name, phone number or message in it.
`manage.py check --deploy` reads the server's logging settings (portland_site/checks.py) for the rest.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import InterfaceError, OperationalError

# What a database that is away, slow or cut off raises (a refused or timed-out connection, a cancelled
# statement, a connection that broke or was closed): worth trying again in a moment, unlike a bug.
UNAVAILABLE = (OperationalError, InterfaceError)
# A database outage is usually over in a minute; clients may try again after this many seconds (Retry-After).
RETRY_AFTER_SECONDS = 60

_deadline: ContextVar[float | None] = ContextVar("database_deadline", default=None)


@contextmanager
def answer_within(seconds: float) -> Iterator[None]:
    """Every database call in the block, connecting included, must be answered within `seconds` from now (or
    an earlier deadline already set)."""
    deadline = time.monotonic() + seconds
    current = _deadline.get()
    token = _deadline.set(deadline if current is None else min(current, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)


def current_deadline() -> float | None:
    return _deadline.get()
