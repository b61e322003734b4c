"""Real faults for the outage tests: a private Redis that can be stopped, and a TCP proxy in front of PostgreSQL
that can refuse connections or freeze them. Nothing here mocks a client library; the site's own clients meet the
fault on the network."""

import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class PrivateRedis:
    """A redis-server of this test's own on a random loopback port, never the machine's: stopping it stops nobody
    else's cache."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = tempfile.mkdtemp(prefix="ptc-redis-")
        self._process: subprocess.Popen | None = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self._directory,
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="the private redis-server to answer")

    def freeze(self) -> None:
        """Redis hung (SIGSTOP): connections are still accepted by the kernel, but nothing is ever answered."""
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)  # a frozen server could not act on SIGTERM
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    @property
    def stopped(self) -> bool:
        return self._process is None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._directory, ignore_errors=True)


class DatabaseProxy:
    """A TCP proxy on a random loopback port in front of the machine's PostgreSQL.

    `refuse()`: the database is down (open connections are cut, new ones refused). `freeze()`: a network
    partition or a hung server (connections stay open, but nothing gets through either way, and new ones are
    accepted and never answered). `restore()` ends either; bytes held during a freeze are then passed on.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.connections = 0  # accepted since start, for tests that want to see reconnects
        self.bytes_to_server = 0  # passed on to PostgreSQL since start: a test can see that nothing was asked
        self._mode = "open"
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._listen()
        self._thread = threading.Thread(target=self._run, name="database-proxy", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.setblocking(False)
        self._listener = listener

    def refuse(self) -> None:
        with self._lock:
            self._mode = "refuse"
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for pair in self._pairs:
                for end in pair:
                    end.close()
            self._pairs.clear()

    def freeze(self) -> None:
        with self._lock:
            self._mode = "freeze"

    def restore(self) -> None:
        with self._lock:
            if self._listener is None:
                self._listen()
            self._mode = "open"

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.refuse()

    def _run(self) -> None:
        # One thread, polling every 50 ms: simple, and enough for a handful of test connections.
        while not self._stopping.is_set():
            with self._lock:
                if self._listener is not None:
                    self._accept()
                if self._mode == "open":
                    self._pump()
            time.sleep(0.01)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except BlockingIOError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            for end in (client, server):
                end.setblocking(False)
            self._pairs.append((client, server))
            self.connections += 1

    def _pump(self) -> None:
        if not self._pairs:
            return
        selector = selectors.DefaultSelector()
        for pair in self._pairs:
            for end in pair:
                selector.register(end, selectors.EVENT_READ, pair)
        closed = []
        for key, _ in selector.select(timeout=0.04):
            source = key.fileobj
            client, server = key.data
            target = server if source is client else client
            try:
                data = source.recv(65536)
                if data and source is client:
                    self.bytes_to_server += len(data)
                if data:
                    target.setblocking(True)
                    target.sendall(data)
                    target.setblocking(False)
            except OSError:
                data = b""
            if not data:
                closed.append(key.data)
        selector.close()
        for pair in set(closed):
            for end in pair:
                end.close()
            self._pairs.remove(pair)


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 40) -> Answer:
    """One HTTP request, timed; 4xx and 5xx are answers too. Redirects are not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the outage tests only ever talk to loopback")
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (checked above)
    started = time.monotonic()
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            status, response_headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, body = error.code, error.headers, error.read()
    return Answer(status, dict(response_headers.items()), body.decode(), time.monotonic() - started)


class Gunicorn:
    """gunicorn serving the site (tests.settings, DJANGO_DEBUG off) on a random loopback port, in a process group
    of its own."""

    def __init__(self, *, environment: dict, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **environment}
        self._workers = workers
        self._log = Path(tempfile.mkdtemp(prefix="ptc-gunicorn-")) / "gunicorn.log"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "portland_site.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self._workers), "--graceful-timeout", "5", "--no-control-socket"]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self._environment, stdout=log, stderr=log, start_new_session=True
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


class Worker:
    """`manage.py run_worker` (tests.settings) with its clock, in a process group of its own; its log is kept."""

    def __init__(self, *, environment: dict) -> None:
        self._environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **environment}
        self._log = Path(tempfile.mkdtemp(prefix="ptc-worker-")) / "worker.log"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self._environment, stdout=log, stderr=log, start_new_session=True
            )

    def log(self) -> str:
        return self._log.read_text(errors="replace")

    def stop(self) -> None:
        if self._process is None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._process = None
        shutil.rmtree(self._log.parent, ignore_errors=True)
