"""Benchmark (not a test): how fast the workers send staff emails, on PostgreSQL, to a local SMTP sink.

    .venv/bin/python bench/staff_notifications.py [--requests 1000] [--postgres postgres://postgres@127.0.0.1:5432]

It creates a database of its own (dropped at the end), starts an SMTP server on loopback that accepts everything,
then, for one worker and again for two, starts `manage.py run_worker` processes (as the Procfile does), stores
the requests one transaction each through the service the form uses (each records and queues one notification)
and waits until every email has arrived. It prints emails per second (first request stored to last email
received) and the delay from a request being stored to its email arriving (p50, p95).
"""

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent


class Sink:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.startswith("Subject: New call-back request "):
                self.arrived.setdefault(line.rsplit(" ", 1)[1], time.time())
                break
        return "250 OK"


def free_port() -> int:
    for port in range(8450, 8500):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8450-8499")


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def run_round(*, workers: int, requests: int, sink: Sink, env: dict) -> tuple[float, float, float]:
    from django_tasks_db.models import DBTaskResult

    from consultations.models import ConsultationRequest, StaffNotification
    from consultations.services import submit_request

    StaffNotification.objects.all().delete()
    ConsultationRequest.objects.all().delete()
    DBTaskResult.objects.all().delete()
    sink.arrived.clear()
    processes = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--worker-id", f"bench-{number}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for number in range(workers)
    ]
    time.sleep(3)  # let them start
    stored: dict[str, float] = {}
    for number in range(requests):
        request = submit_request(
            name="Bench",
            phone=f"+1207555{number:04d}",
            call_times=["mornings"],
            voicemail_ok=True,
            email="",
            request_for="myself",
            message="",
            submission_token=secrets.token_urlsafe(16),
        )
        stored[request.reference_display] = request.created_at.timestamp()
    deadline = time.monotonic() + 600
    while len(sink.arrived) < requests and time.monotonic() < deadline:
        time.sleep(0.2)
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)
    if len(sink.arrived) < requests:
        raise SystemExit(f"only {len(sink.arrived)} of {requests} emails arrived")
    delays = [sink.arrived[reference] - stored_at for reference, stored_at in stored.items()]
    elapsed = max(sink.arrived.values()) - min(stored.values())
    return requests / elapsed, percentile(delays, 0.5), percentile(delays, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    options = parser.parse_args()

    database = f"ptc_bench_notifications_{os.getpid()}"
    admin = psycopg2.connect(f"{options.postgres}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {database}")
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portland_site.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"{options.postgres}/{database}",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "CONSULTATION_NOTIFY_EMAILS": "bench@example.org",
        "LOG_LEVEL": "WARNING",
    }
    try:
        migrate = [sys.executable, "manage.py", "migrate", "--verbosity", "0"]
        subprocess.run(migrate, cwd=BASE_DIR, env=env, check=True)  # noqa: S603 (our own interpreter and manage.py)
        os.environ.update(env)
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        for workers in (1, 2):
            rate, p50, p95 = run_round(workers=workers, requests=options.requests, sink=sink, env=env)
            print(
                f"{workers} worker(s), {options.requests} requests: {rate:.0f} emails/s, "
                f"request to delivery p50 {p50:.2f} s, p95 {p95:.2f} s",
                flush=True,
            )
    finally:
        from django.db import connections

        connections.close_all()
        controller.stop()
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    main()
