"""A server of the site's own (gunicorn, the worker) started in a process group of its own, its output kept in a
log file that goes away when it stops."""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ProcessGroup:
    """`environment` adds to this process's environment: the settings module and whatever the run needs."""

    name = "process"
    stop_timeout = 15.0

    def __init__(self, *, environment: dict) -> None:
        self._environment = {**os.environ, **environment}
        self._log = Path(tempfile.mkdtemp(prefix=f"ptc-{self.name}-")) / f"{self.name}.log"
        self._process: subprocess.Popen | None = None

    def _launch(self, command: list[str]) -> None:
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=ROOT, env=self._environment, stdout=log, stderr=log, start_new_session=True
            )

    def log(self) -> str:
        return self._log.read_text(errors="replace")

    def stop(self) -> None:
        if self._process is None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._process = None
        shutil.rmtree(self._log.parent, ignore_errors=True)
