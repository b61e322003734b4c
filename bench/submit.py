"""Benchmark, not a test: how fast the call-back form takes real submissions.

    .venv/bin/python bench/submit.py [--requests 500] [--concurrency 20] [--workers 4] [--redis redis://…]

It creates a fresh PostgreSQL database on 127.0.0.1:5432 (user postgres, no password), migrates it, starts
gunicorn on a free loopback port with production settings and the rate limit raised, then:

1. fetches one form page per submission (each with its own CSRF cookie and one-time form token),
2. waits out the form's 3-second minimum fill time, so that no submission counts as spam,
3. posts every form, `--concurrency` at a time, and times each POST up to its 303 response.

It prints throughput, p50/p95 latency, errors and the rows stored, then stops gunicorn and drops the database.
Everything stays on loopback. With --redis (default: $REDIS_URL) the rate-limit counter lives in that Redis,
under a key prefix of its own; without it, in each worker's local memory.
"""

import argparse
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import django
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
FORM_PATH = "/request-a-call-back/"
HTTP_TIMEOUT = 30
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN_INPUT = re.compile(r'name="form_token" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


@dataclass
class OpenedForm:
    cookie: str
    csrf: str
    form_token: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sql(statement: str, database: str = "postgres") -> tuple:
    """Run one statement outside a transaction (as CREATE/DROP DATABASE need) and return its first row."""
    connection = psycopg2.connect(dbname=database, **POSTGRES)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone() if cursor.description else ()
    finally:
        connection.close()


def request(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None):
    connection = HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def open_form(port: int) -> OpenedForm:
    status, headers, html = request(port, "GET", FORM_PATH)
    if status != 200:
        raise RuntimeError(f"form page answered {status}")
    cookie = next(_CSRF_COOKIE.search(value) for name, value in headers if name.lower() == "set-cookie")
    return OpenedForm(
        cookie=cookie.group(1),
        csrf=_CSRF_INPUT.search(html).group(1),
        form_token=_FORM_TOKEN_INPUT.search(html).group(1),
    )


def submit(port: int, form: OpenedForm, index: int) -> tuple[float, bool]:
    """POST one filled-in form; (seconds until the response, whether it was the expected 303)."""
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": form.csrf,
            "form_token": form.form_token,
            "website": "",
            "name": "Bench Person",
            # 100 numbers for 500 requests: most are duplicates of an open request, as the service must check.
            "phone": f"(207) 555-{100 + index % 100:04d}",
            "call_times": "mornings",
            "voicemail_ok": "yes" if index % 2 else "no",
            "email": "",
            "request_for": "myself",
            "message": "A benchmark request.",
            "agree_to_privacy_notice": "on",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={form.cookie}"}
    started = time.perf_counter()
    try:
        status, response_headers, _ = request(port, "POST", FORM_PATH, body, headers)
    except OSError:
        return time.perf_counter() - started, False
    elapsed = time.perf_counter() - started
    location = dict((name.lower(), value) for name, value in response_headers).get("location", "")
    return elapsed, status == 303 and location.endswith("/thanks/")


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def workers_cpu_seconds(master: subprocess.Popen) -> float:
    """CPU time used so far by gunicorn's workers (Linux /proc): a figure that other work on the machine
    doesn't inflate the way it inflates latency."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    database = f"ptc_bench_{secrets.token_hex(4)}"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"postgres://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}/{database}",
        CONSULTATION_RATE_LIMIT_PER_HOUR=str(10 * args.requests),
        # One staff email per request recorded in the same transaction, as in production (no worker sends them).
        CONSULTATION_NOTIFY_EMAILS="intake@example.org",
        LOG_LEVEL="WARNING",
        REDIS_URL=args.redis,
        CACHE_KEY_PREFIX=database,
    )
    sql(f'CREATE DATABASE "{database}"')
    server = None
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "portland_site.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_until_up(port, server)

        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            opening_cpu, started = workers_cpu_seconds(server), time.perf_counter()
            forms = list(pool.map(lambda _: open_form(port), range(args.requests)))
            opening, opening_cpu = time.perf_counter() - started, workers_cpu_seconds(server) - opening_cpu
            time.sleep(3.2)  # the minimum fill time, so that these are people, not spam
            cpu_before, started = workers_cpu_seconds(server), time.perf_counter()
            results = list(pool.map(lambda item: submit(port, item[1], item[0]), enumerate(forms)))
            sending, cpu = time.perf_counter() - started, workers_cpu_seconds(server) - cpu_before

        rows, spam, duplicates = sql(
            "SELECT count(*), count(*) FILTER (WHERE status = 'spam'), count(duplicate_of_id)"
            " FROM consultations_consultationrequest",
            database,
        )
        (postgres_version,) = sql("SHOW server_version")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    latencies = sorted(seconds * 1000 for seconds, _ in results)
    errors = sum(not ok for _, ok in results)
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    print(f"machine:      {os.cpu_count()} CPUs, {int(memory) / 1024**2:.1f} GiB RAM, {platform.platform()}")
    print(f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after (1 min; other work on the machine)")
    print(
        f"software:     Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL "
        f"{postgres_version}, gunicorn {args.workers} sync workers, rate-limit cache: "
        f"{'Redis' if args.redis else 'local memory'}"
    )
    print(
        f"form pages:   {args.requests} GETs in {opening:.2f} s ({args.requests / opening:.0f}/s), "
        f"{opening_cpu * 1000 / args.requests:.1f} ms of worker CPU each"
    )
    print(
        f"submissions:  {args.requests} POSTs at concurrency {args.concurrency} in {sending:.2f} s "
        f"= {args.requests / sending:.0f}/s"
    )
    print(
        f"latency:      p50 {percentile(latencies, 0.50):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {latencies[-1]:.0f} ms"
    )
    print(f"web CPU:      {cpu * 1000 / args.requests:.1f} ms of gunicorn worker CPU per submission")
    print(f"errors:       {errors}")
    print(f"rows stored:  {rows} ({spam} spam, {duplicates} linked as duplicates)")


if __name__ == "__main__":
    main()
