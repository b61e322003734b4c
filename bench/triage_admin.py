"""Benchmark (not a test): the staff queue with 100,000 call-back requests in PostgreSQL.

Creates its own database, loads it with bulk_create, times the admin list's first page, a filtered page,
searches, the call sheet and the admin index through Django's test client as a signed-in superuser (server time,
no network), prints median and p95 per page, and drops the database. Usage:

    .venv/bin/python bench/triage_admin.py [--requests 100000] [--runs 30]

PGHOST, PGPORT and PGUSER (default 127.0.0.1, 5432, postgres) say which server to use.
"""

import argparse
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import psycopg
from stack import ROOT, fresh_database, percentile  # bench/stack.py, beside this script

TARGET_MS = 300
NAMES = ["Sam", "Zoë", "Priya", "Tom", "Dee", "Anne-Marie", "Nguyễn", "José", "Maria", "Lee", "Chris", "Robin"]


def server_url() -> str:
    host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
    return f"postgres://{os.environ.get('PGUSER', 'postgres')}@{host}:{port}/postgres"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    # Production settings, served to Django's test client over plain HTTP.
    os.environ["DJANGO_SETTINGS_MODULE"] = "portland_site.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    sys.path.insert(0, str(ROOT))  # the apps before the scripts here (bench/pages.py is not the app)
    import django

    django.setup()


def load(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from consultations.models import Booking, CallAttempt, CallOutcome, ConsultationRequest, Status
    from consultations.services import REFERENCE_ALPHABET
    from portland_site.clinic_time import in_clinic_time

    chance = random.Random(4)  # the same data on every run
    staff = [
        get_user_model().objects.create_user(f"staff{index}", is_staff=True, password=secrets.token_urlsafe())
        for index in range(5)
    ]
    now = timezone.now()
    # Most requests are long closed; a few hundred are open, as in a clinic that keeps up with its queue.
    statuses = [Status.CLOSED] * 70 + [Status.NOT_A_FIT] * 12 + [Status.CONSULTATION_SCHEDULED] * 10
    statuses += [Status.SPAM] * 6 + [Status.ATTEMPTING_CONTACT, Status.NEW]
    references = set()
    while len(references) < count:
        references.add("".join(chance.choice(REFERENCE_ALPHABET) for _ in range(8)))
    batch = []
    for index, reference in enumerate(references):
        created = now - timedelta(minutes=chance.randrange(0, 365 * 24 * 60))
        status = chance.choice(statuses)
        contacted = None if status in (Status.NEW, Status.SPAM) else created + timedelta(hours=chance.randrange(1, 48))
        closed = contacted + timedelta(days=3) if status in (Status.CLOSED, Status.NOT_A_FIT) else None
        times = [chance.random() < 0.5 for _ in range(3)]
        batch.append(
            ConsultationRequest(
                reference=reference,
                created_at=created,
                name=f"{chance.choice(NAMES)} {index}",
                phone=f"+1207{index:07d}",
                call_mornings=times[0] or not any(times),
                call_afternoons=times[1],
                call_evenings=times[2],
                voicemail_ok=chance.random() < 0.6,
                request_for="myself",
                privacy_notice_shown_at=created,
                status=status,
                spam_reason="honeypot" if status == Status.SPAM else "",
                spam_marked_at=created if status == Status.SPAM else None,
                assigned_to=chance.choice(staff) if status != Status.SPAM and chance.random() < 0.7 else None,
                first_contacted_at=contacted,
                closed_at=closed,
                submission_token=secrets.token_urlsafe(16),
            )
        )
    requests = ConsultationRequest.objects.bulk_create(batch, batch_size=5000)
    outcomes = list(CallOutcome)
    attempts = [
        CallAttempt(
            consultation_request=request,
            attempted_at=request.created_at + timedelta(hours=attempt + 1),
            made_by=request.assigned_to,
            outcome=chance.choice(outcomes),
        )
        for request in requests
        if request.first_contacted_at
        for attempt in range(chance.randrange(1, 4))
    ]
    CallAttempt.objects.bulk_create(attempts, batch_size=5000)
    # A working day on the call sheet: forty open requests with calls booked for today, ten minutes apart from
    # 9 am; the other open ones due four hours after they arrived.
    open_requests = [request for request in requests if request.status in (Status.NEW, Status.ATTEMPTING_CONTACT)]
    nine = in_clinic_time().replace(hour=9, minute=0, second=0, microsecond=0)
    Booking.objects.bulk_create(
        Booking(
            consultation_request=request,
            starts_at=nine + timedelta(minutes=10 * index),
            ends_at=nine + timedelta(minutes=10 * index + 30),
            booked_at=request.created_at,
            change_link_hash=secrets.token_hex(32),
        )
        for index, request in enumerate(open_requests[:40])
    )
    for request in open_requests[40:]:
        request.due_by = request.created_at + timedelta(hours=4)
    ConsultationRequest.objects.bulk_update(open_requests[40:], ["due_by"], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    open_count = ConsultationRequest.objects.open().count()
    print(f"Loaded {count:,} requests ({open_count:,} open) and {len(attempts):,} call attempts.")


def measure(runs: int) -> list[tuple[str, float, float]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from consultations.models import ConsultationRequest
    from portland_site.clinic_time import in_clinic_time

    # force_login signs in without an authenticator code; what is measured is the pages, not the sign-in.
    settings.ADMIN_TWO_FACTOR = False
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", secrets.token_urlsafe())
    client = Client()
    client.force_login(admin)
    session = client.session  # signed in with two factors, as the admin requires with DJANGO_DEBUG off
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=admin, name="bench", confirmed=True).persistent_id
    session.save()
    queue = "/admin/consultations/consultationrequest/"
    sample = ConsultationRequest.objects.order_by("?").first()
    # As the "received" filter writes it: midnight, clinic time.
    midnight = in_clinic_time().replace(hour=0, minute=0, second=0, microsecond=0)
    month_ago = quote(str(midnight - timedelta(days=30)))
    typed_phone = f"({sample.phone[2:5]}) {sample.phone[5:8]}-{sample.phone[8:]}"

    def searched(term: str) -> str:
        # The search box posts the term; the list's URL carries only the search's id.
        return client.post(f"{queue}search/", {"q": term, "filters": "status=all"})["Location"]

    pages = {
        "first page (open, oldest first)": queue,
        "filtered: all, unassigned, last 30 days": f"{queue}?status=all&assigned=nobody&created_at__gte={month_ago}",
        "filtered: closed, page 50": f"{queue}?status=closed&p=50",
        "search: name, all statuses": searched("Priya"),
        "search: phone as typed, all statuses": searched(typed_phone),
        "search: reference, all statuses": searched(sample.reference_display),
        "call sheet: today (40 booked calls)": f"{queue}today/",
        "admin index: the dashboard's figures": "/admin/",
    }
    results = []
    for label, url in pages.items():
        warm_up = client.get(url)  # templates, connection
        assert warm_up.status_code == 200, (label, warm_up.status_code)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append((label, statistics.median(timings), percentile(timings, 0.95)))
    return results


def machine() -> str:
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S607
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    connection = psycopg.connect(server_url())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    connection.close()
    return f"nproc {cores}; Python {platform.python_version()}; PostgreSQL {postgres}\n{memory}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()

    with fresh_database(server_url()) as database_url:
        setup_django(database_url)
        from django.core.management import call_command
        from django.db import connections

        try:
            call_command("migrate", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)  # the admin's pages name hashed files
            started = time.perf_counter()
            load(arguments.requests)
            print(f"Load took {time.perf_counter() - started:.0f} s.\n")
            print(f"{'page':<52} {'median ms':>10} {'p95 ms':>8}")
            slow = []
            for label, median, p95 in measure(arguments.runs):
                print(f"{label:<52} {median:>10.1f} {p95:>8.1f}")
                if p95 >= TARGET_MS:
                    slow.append(label)
            verdict = f"SLOW: {', '.join(slow)}" if slow else "all met"
            print(f"\n{arguments.runs} runs each; target p95 under {TARGET_MS} ms: {verdict}.")
            print(f"\nMachine: {machine()}")
        finally:
            connections.close_all()  # before the database is dropped


if __name__ == "__main__":
    main()
