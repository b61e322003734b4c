"""`db_worker`, plus its clock: the jobs of settings.WORKER_CLOCK (the staff-email sweeper, which covers what
django-tasks does not: retries and tasks whose worker died; the flush of visit counts; ...), each in a thread."""

import logging
import threading

from django.conf import settings
from django.utils.module_loading import import_string

from consultations.task_queue import WorkerCommand
from portland_site.every import start_every

logger = logging.getLogger(__name__)


class Command(WorkerCommand):
    help = (
        "Run a task worker (as db_worker does) and its clock: every NOTIFICATION_SWEEP_SECONDS, queue staff emails "
        "that are due again or were abandoned by a killed worker; every INSIGHTS_FLUSH_SECONDS, move the visit "
        "counts to the database (settings.WORKER_CLOCK). Stops after the current task on SIGTERM or Ctrl-C."
    )

    def handle(self, *args, **options) -> None:
        # The autoreloader would run the clock in its watching process too.
        options["reload"] = False
        stop = threading.Event()
        clock = []
        for path, seconds in settings.WORKER_CLOCK:
            logger.info("Worker clock: %s every %g s", path, seconds)
            clock.append(start_every(import_string(path), seconds=seconds, name=path, stop=stop))
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            for thread in clock:
                thread.join(timeout=10)
