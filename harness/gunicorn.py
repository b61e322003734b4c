"""gunicorn serving the site on a random loopback port, in a process group of its own."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.loopback import fetch, free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """`environment` adds to this process's environment: the settings module and whatever the run needs."""

    def __init__(self, *, environment: dict, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._environment = {**os.environ, **environment}
        self._workers = workers
        self._log = Path(tempfile.mkdtemp(prefix="ptc-gunicorn-")) / "gunicorn.log"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "portland_site.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self._workers), "--graceful-timeout", "5", "--no-control-socket"]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=ROOT, env=self._environment, stdout=log, stderr=log, start_new_session=True
            )

        def up() -> bool:
            try:
                return fetch(self.base + "/healthz", timeout=5).status == 200
            except OSError:
                return False

        wait_until(up, timeout=60, what="gunicorn to answer /healthz")

    def log(self) -> str:
        return self._log.read_text(errors="replace")

    def stop(self) -> None:
        if self._process is None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._process = None
        shutil.rmtree(self._log.parent, ignore_errors=True)
