"""`db_worker`, plus the sweeper that covers what django-tasks does not: retries and tasks whose worker died."""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections

from consultations.outbox import sweep_notifications
from consultations.task_queue import WorkerCommand

logger = logging.getLogger(__name__)


def _sweep_until(stop: threading.Event) -> None:
    logger.info("Sweeping staff notifications every %s s", settings.NOTIFICATION_SWEEP_SECONDS)
    try:
        while True:
            close_old_connections()
            try:
                sweep_notifications()
            except DatabaseError:
                # The database is away or locked (SQLite): the next sweep tries again.
                logger.exception("Staff notification sweep failed")
            if stop.wait(settings.NOTIFICATION_SWEEP_SECONDS):
                return
    finally:
        connections.close_all()


class Command(WorkerCommand):
    help = (
        "Run a task worker (as db_worker does) and, every NOTIFICATION_SWEEP_SECONDS, queue staff emails that are "
        "due again or were abandoned by a killed worker. Stops after the current task on SIGTERM or Ctrl-C."
    )

    def handle(self, *args, **options) -> None:
        # The autoreloader would run the sweeper in its watching process too.
        options["reload"] = False
        stop = threading.Event()
        sweeper = threading.Thread(target=_sweep_until, args=(stop,), name="notification-sweeper", daemon=True)
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            sweeper.join(timeout=10)
