"""Real worker processes (`manage.py run_worker`, as the Procfile starts them) against the test database."""

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from consultations.models import NotificationStatus, StaffNotification
from harness.loopback import wait_until
from tests.factories import stored_request
from tests.servers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # slow: real worker processes

BASE_DIR = Path(__file__).resolve().parents[3]
ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def start_worker(smtp_server):
    workers: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "EMAIL_TIMEOUT": "30",  # for each reply: longer than any test waits
            "EMAIL_SEND_TIMEOUT": "10",  # for the whole send: the test kills a hung worker well before this
            "NOTIFICATION_LEASE_SECONDS": "20",  # as short as start-up allows: twice EMAIL_SEND_TIMEOUT
            "NOTIFICATION_SWEEP_SECONDS": "0.5",
        }
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.1", "--worker-id", name],
            cwd=BASE_DIR,
            env=env,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def stop(worker: subprocess.Popen) -> int:
    worker.send_signal(signal.SIGTERM)
    return worker.wait(timeout=15)


def test_a_worker_killed_mid_send_is_replaced_and_the_email_still_arrives(smtp_server, start_worker, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    request = stored_request()
    notification = StaffNotification.objects.get()
    smtp_server.hang_next_data = True

    first = start_worker("first")
    assert smtp_server.hanging.wait(timeout=20), "the first worker never reached DATA"
    first.kill()  # SIGKILL: no handler, no cleanup
    first.wait()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENDING, 1)
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # and django-tasks would leave it so

    second = start_worker("second")
    wait_until(
        lambda: StaffNotification.objects.filter(status=NotificationStatus.SENT).exists(),
        timeout=60,
        what="the second worker to send the email",
    )
    assert stop(second) == 0  # SIGTERM: a graceful stop

    notification.refresh_from_db()
    assert notification.attempts == 2
    assert [message["Subject"] for message in smtp_server.received] == [
        f"New call-back request {request.reference_display}"
    ]
    killed_task = DBTaskResult.objects.get(worker_ids=["first"])
    assert killed_task.status == TaskResultStatus.FAILED
    assert killed_task.exception_class_path == "consultations.task_queue.WorkerLost"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="two workers at once need PostgreSQL: set DATABASE_URL (CI does)")
def test_two_workers_send_every_notification_exactly_once(smtp_server, start_worker, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    workers = [start_worker("one"), start_worker("two")]
    references = {stored_request(phone=f"+1207555{i:04d}").reference_display for i in range(200)}

    wait_until(
        lambda: StaffNotification.objects.filter(status=NotificationStatus.SENT).count() == 200,
        timeout=60,
        what="200 notifications to be sent",
    )
    assert [stop(worker) for worker in workers] == [0, 0]

    sent = Counter(message["Subject"].removeprefix("New call-back request ") for message in smtp_server.received)
    assert set(sent) == references
    assert set(sent.values()) == {1}
    assert set(StaffNotification.objects.values_list("attempts", flat=True)) == {1}
    # Both workers took part.
    assert {worker for task in DBTaskResult.objects.all() for worker in task.worker_ids} == {"one", "two"}
