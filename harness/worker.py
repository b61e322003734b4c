"""`manage.py run_worker` with its clock, in a process group of its own; its log is kept until it stops."""

import sys

from harness.process_group import ProcessGroup


class Worker(ProcessGroup):
    name = "worker"
    stop_timeout = 20.0  # a task in hand is finished before the worker leaves

    def start(self) -> None:
        self._launch([sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"])
