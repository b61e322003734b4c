"""Ports, waiting and plain HTTP on loopback."""

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    """Return as soon as `condition()` is true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


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
        raise ValueError("only ever talks to loopback")
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (checked above)
    started = time.monotonic()
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            status, response_headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, body = error.code, error.headers, error.read()
    return Answer(status, dict(response_headers.items()), body.decode(), time.monotonic() - started)
