"""The one place that knows django-tasks-db's internals: its task table (and the JSON of a task's arguments), how a
result is marked failed, and the worker command `run_worker` extends. Swapping the task backend means this file."""

from datetime import datetime
from typing import Any

from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

# The worker command (`manage.py db_worker`) that `run_worker` runs, with our sweeper beside it.
WorkerCommand = db_worker.Command


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
