"""Background tasks. They take primary keys only and call a service; see consultations.services for why the
outbox row, not the task, decides what is sent."""

from django_tasks import task

from consultations import services


class WorkerLost(Exception):  # noqa: N818 (it names what happened, as the task result shows it)
    """Recorded on a task whose worker stopped (killed, lost) while running it."""


@task()
def deliver_staff_notification(notification_id: int) -> str:
    return services.deliver_notification(notification_id=notification_id)
