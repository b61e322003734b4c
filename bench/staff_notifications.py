"""Benchmark (not a test): how fast the workers send staff emails, on PostgreSQL, to a local SMTP sink.

    .venv/bin/python bench/staff_notifications.py [--requests 1000] [--postgres postgres://postgres@127.0.0.1:5432]

It creates a database of its own (dropped at the end) and an SMTP server on loopback that accepts everything.
For one worker, then two (`manage.py run_worker` processes, as the Procfile starts them), it stores the requests
through the service the form uses, one transaction each (each records and queues one notification), then starts
the workers and waits for every email: emails per second, and when each arrived after the workers started
(p50, p95). Then, with the workers running, 200 more requests at 10 a second: the delay from a request being
stored to its email arriving (p50, p95, max), which is what a patient's request sees in normal operation.
"""

import argparse
import os
import secrets
import subprocess
import sys
import time
from email.message import EmailMessage

from stack import ROOT, free_port, fresh_database, percentile  # bench/stack.py, beside this script

from harness.smtp_sink import SMTPSink, reference_in  # harness/, which bench/stack.py puts on the path


class Sink(SMTPSink):
    """Keeps only when each request's first email arrived."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.arrived: dict[str, float] = {}

    def keep(self, message: EmailMessage) -> None:
        if reference := reference_in(message):
            self.arrived.setdefault(reference, time.time())


def store_requests(count: int, *, first_phone: int, per_second: float | None = None) -> dict[str, float]:
    """Store `count` requests through the form's service, each in its own transaction; when each was stored."""
    from consultations.services import submit_request

    stored: dict[str, float] = {}
    started = time.monotonic()
    for number in range(count):
        if per_second:
            time.sleep(max(0.0, started + number / per_second - time.monotonic()))
        request = submit_request(
            name="Bench",
            phone=f"+120755{first_phone + number:05d}",  # all different: a repeated phone is a duplicate
            call_times=["mornings"],
            voicemail_ok=True,
            email="",
            request_for="myself",
            message="",
            submission_token=secrets.token_urlsafe(16),
        )
        stored[request.reference_display] = request.created_at.timestamp()
    return stored


def wait_for_emails(sink: Sink, count: int) -> None:
    deadline = time.monotonic() + 600
    while len(sink.arrived) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(sink.arrived)} of {count} emails arrived")
        time.sleep(0.1)


def run_round(*, workers: int, requests: int, trickle: int, sink: Sink, env: dict) -> str:
    from django_tasks_db.models import DBTaskResult

    from consultations.models import ConsultationRequest, StaffNotification

    StaffNotification.objects.all().delete()
    ConsultationRequest.objects.all().delete()
    DBTaskResult.objects.all().delete()
    sink.arrived.clear()

    # A backlog: every request stored first, then the workers start.
    stored = store_requests(requests, first_phone=0)
    workers_started = time.time()
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--worker-id", f"bench-{number}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for number in range(workers)
    ]
    try:
        wait_for_emails(sink, requests)
        rate = requests / (max(sink.arrived.values()) - workers_started)
        drain = [sink.arrived[reference] - workers_started for reference in stored]

        # A steady trickle to running workers: the delay a patient's request sees in normal operation.
        sink.arrived.clear()
        stored = store_requests(trickle, first_phone=requests, per_second=10)
        wait_for_emails(sink, trickle)
        steady = [sink.arrived[reference] - stored_at for reference, stored_at in stored.items()]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return (
        f"{workers} worker(s): backlog of {requests}: {rate:.0f} emails/s (worker start included), "
        f"delivered after p50 {percentile(drain, 0.5):.1f} s, p95 {percentile(drain, 0.95):.1f} s; "
        f"{trickle} requests at 10/s: request to delivery p50 {percentile(steady, 0.5):.2f} s, "
        f"p95 {percentile(steady, 0.95):.2f} s, max {max(steady):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    options = parser.parse_args()

    sink = Sink(free_port())
    sink.start()
    try:
        with fresh_database(f"{options.postgres}/postgres") as database_url:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portland_site.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "localhost",
                "DATABASE_URL": database_url,
                "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
                "CONSULTATION_NOTIFY_EMAILS": "bench@example.org",
                "LOG_LEVEL": "WARNING",
            }
            migrate = [sys.executable, "manage.py", "migrate", "--verbosity", "0"]
            subprocess.run(migrate, cwd=ROOT, env=env, check=True)
            os.environ.update(env)
            sys.path.insert(0, str(ROOT))  # the apps before the scripts here (bench/pages.py is not the app)
            import django

            django.setup()
            from django.db import connections

            try:
                for workers in (1, 2):
                    round_ = run_round(workers=workers, requests=options.requests, trickle=200, sink=sink, env=env)
                    print(round_, flush=True)
            finally:
                connections.close_all()  # before the database is dropped
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
