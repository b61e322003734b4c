"""gunicorn serving the site on a random loopback port, in a process group of its own."""

import sys

from harness.loopback import fetch, free_port, wait_until
from harness.process_group import ProcessGroup


class Gunicorn(ProcessGroup):
    name = "gunicorn"

    def __init__(self, *, environment: dict, workers: int = 2) -> None:
        super().__init__(environment=environment)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._workers = workers

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "portland_site.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self._workers), "--graceful-timeout", "5", "--no-control-socket"]
        self._launch(command)

        def up() -> bool:
            try:
                return fetch(self.base + "/healthz", timeout=5).status == 200
            except OSError:
                return False

        wait_until(up, timeout=60, what="gunicorn to answer /healthz")
