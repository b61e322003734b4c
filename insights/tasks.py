"""The flush as a task for the worker; beacons ask for it once every INSIGHTS_FLUSH_SECONDS."""

import logging

from django.db import DatabaseError, transaction
from django_tasks import task

from insights import aggregation
from insights.counters import counter_store

logger = logging.getLogger(__name__)


@task()
def flush_visit_counts() -> int:
    return aggregation.flush_counts()


def flush_soon() -> None:
    """Counters in Redis are flushed by a worker; a process's own counters (no Redis) only by itself."""
    try:
        if counter_store().shared:
            transaction.on_commit(flush_visit_counts.enqueue)
        else:
            aggregation.flush_counts()
    except DatabaseError:
        logger.exception("could not start a flush of the visit counts; the next beacon tries again")
