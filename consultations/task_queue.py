"""The one place that knows django-tasks-db's internals: its task table (and the JSON of a task's arguments), how a
result is marked failed, and the worker command `run_worker` extends. Swapping the task backend means this file."""

import contextlib
import logging
import time
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connections
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from portland_site.database import UNAVAILABLE

logger = logging.getLogger(__name__)

# A worker waits this long after its database failed, doubling up to the cap while the outage lasts.
RECONNECT_FIRST_SECONDS = 1
RECONNECT_CAP_SECONDS = 30


class WorkerCommand(db_worker.Command):
    """`manage.py db_worker`, which `run_worker` runs with our sweeper beside it, riding out database outages.

    db_worker's loop re-raises any database error but a locked SQLite, and the process would exit: emails of
    requests made after the outage would wait for someone to restart it. Here the worker starts again instead,
    on fresh connections, after 1, 2, 4 ... 30 s, for as long as the database is away. SIGTERM still stops it at
    once, while it waits too.
    """

    def handle(self, *args, **options) -> None:
        delay = RECONNECT_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except UNAVAILABLE as error:
                if time.monotonic() - started > RECONNECT_CAP_SECONDS:
                    delay = RECONNECT_FIRST_SECONDS  # it had been working: this is a new outage
                logger.warning(
                    "Task worker: the database is unavailable (%s); trying again in %s s", type(error).__name__, delay
                )
                with contextlib.suppress(DatabaseError):
                    connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, RECONNECT_CAP_SECONDS)


class WorkerLost(Exception):  # noqa: N818 (it names what happened, as the task result shows it)
    """Recorded on a task whose worker stopped (killed, lost) while running it."""


def _results_of(task: Task):
    return DBTaskResult.objects.filter(task_path=task.module_path)


def fail_stalled(task: Task, *, started_before: datetime, reason: str) -> int:
    """Mark runs of `task` still RUNNING that started before `started_before` as failed (their worker died);
    django-tasks would leave them running for ever. Returns how many."""
    stalled = list(_results_of(task).filter(status=TaskResultStatus.RUNNING, started_at__lt=started_before))
    for task_result in stalled:
        task_result.set_failed(WorkerLost(reason))
    return len(stalled)


def queued_values(task: Task, *, argument: str) -> set[Any]:
    """The values of keyword `argument` across the runs of `task` waiting in the queue."""
    return set(
        _results_of(task)
        .filter(status=TaskResultStatus.READY)
        .values_list(f"args_kwargs__kwargs__{argument}", flat=True)
    )


def delete_runs(task: Task, *, argument: str, values: Collection[Any]) -> int:
    """Delete the runs of `task`, queued or finished, whose keyword `argument` is one of `values`."""
    deleted, _ = _results_of(task).filter(**{f"args_kwargs__kwargs__{argument}__in": list(values)}).delete()
    return deleted
