"""Beacons from several client processes at once, to gunicorn with several workers, while a real worker flushes."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from insights.counters import PUSH_SECONDS
from insights.models import DailyCount, FlushedBatch
from portland_site.breaker import REDIS
from tests.insights.conftest import BROWSER, counted
from tests.servers import database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="counts shared by processes live in Redis: set REDIS_URL"),
]

BASE_DIR = Path(__file__).resolve().parents[2]
CLIENTS = 4
# Long enough for several pushes and flushes whatever the machine's speed: a fast one sent a fixed 1,000 beacons
# before the first push, and then no beacon was left to ask for a flush.
SENDING_SECONDS = 2.5

CLIENT = """
import http.client, sys, time
port, seconds, agent = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
deadline = time.monotonic() + seconds
number = 0
while time.monotonic() < deadline:
    path = "/request-a-call-back/" if number % 5 == 0 else "/"
    body = f"p={path}&ref=example.com&utm_campaign=spring"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": agent}
    connection.request("POST", "/visit/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 204, response.status
    number += 1
print(number)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site():
    """gunicorn (3 workers) and `manage.py run_worker` on the test database, flushing every 0.2 s."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "INSIGHTS_FLUSH_SECONDS": "0.2",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portland_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
            cwd=BASE_DIR,
            env=env,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.1"],
            cwd=BASE_DIR,
            env=env,
        ),
    ]
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 (loopback)
            break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield port
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_counts_add_up_under_concurrent_beacons_from_several_processes(site):
    clients = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, str(site), str(SENDING_SECONDS), BROWSER], stdout=subprocess.PIPE, text=True
        )
        for _ in range(CLIENTS)
    ]
    outputs = [client.communicate(timeout=180)[0] for client in clients]
    assert [client.returncode for client in clients] == [0] * CLIENTS
    sent_each = [int(output) for output in outputs]
    flushed_by_the_worker = sum(DailyCount.objects.values_list("count", flat=True))
    sent = sum(sent_each)
    forms = sum((number + 4) // 5 for number in sent_each)  # each client's beacons 0, 5, 10, ... are the form's
    assert sent > 0
    expected = {
        ("view", "/"): sent - forms,
        ("form_opened", ""): forms,
        ("referrer", "example.com"): sent,
        ("campaign", "spring"): sent,
    }
    # Each web process pushes its last counts to Redis within PUSH_SECONDS; on a machine so busy that Redis
    # answered one push too late, its breaker holds the counts in the process a few seconds more.
    totals = {}
    deadline = time.monotonic() + PUSH_SECONDS * 3 + REDIS.open_seconds
    while totals != expected and time.monotonic() < deadline:
        time.sleep(PUSH_SECONDS)
        totals = counted()  # whatever arrived after the worker's last flush
    assert totals == expected
    assert flushed_by_the_worker > 0, "the worker never flushed"
    assert FlushedBatch.objects.count() > 1
