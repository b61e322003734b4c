"""A real worker process (`manage.py run_worker`) whose database is cut off and frozen, through the proxy."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from consultations.models import NotificationStatus, StaffNotification
from harness.loopback import wait_until
from tests.factories import stored_request
from tests.servers import database_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]  # slow: a real worker through a database outage

BASE_DIR = Path(__file__).resolve().parents[3]


def sent(request) -> bool:
    return StaffNotification.objects.filter(consultation_request=request, status=NotificationStatus.SENT).exists()


def test_the_worker_rides_out_a_database_outage_and_delivers_what_comes_after(
    database_proxy, smtp_server, settings, tmp_path
):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(port=database_proxy.port),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "NOTIFICATION_SWEEP_SECONDS": "0.5",
    }
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        before = stored_request(phone="+12075550101")
        wait_until(lambda: sent(before), timeout=60, what="the email of a request made before the outage")

        def outages_met() -> int:
            return log.read_text().count("the database is unavailable")

        def met_one_more_or_exited(seen: int):
            return lambda: outages_met() > seen or worker.poll() is not None

        database_proxy.refuse()  # the database is down
        # Twice: once where it was working, once when it tried again after its pause.
        wait_until(met_one_more_or_exited(1), timeout=60, what="the worker to meet the refused database twice")
        assert worker.poll() is None, "the worker must not exit when the database is down"
        database_proxy.freeze()  # and now it hangs
        wait_until(met_one_more_or_exited(outages_met()), timeout=60, what="the worker to give up on the hung database")
        assert worker.poll() is None, "the worker must not exit when the database hangs"
        database_proxy.restore()

        after = stored_request(phone="+12075550102")
        wait_until(lambda: sent(after), timeout=60, what="the email of a request made after the outage")
        assert worker.poll() is None
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    subjects = [message["Subject"] for message in smtp_server.received]
    assert subjects == [
        f"New call-back request {before.reference_display}",
        f"New call-back request {after.reference_display}",
    ]
    assert "the database is unavailable" in log.read_text()
    assert database_proxy.connections >= 2, "the worker reconnected"
