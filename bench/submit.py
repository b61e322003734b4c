"""Benchmark, not a test: how fast the call-back form takes real submissions.

    .venv/bin/python bench/submit.py [--requests 500] [--concurrency 20] [--workers 4] [--redis redis://…]

It starts the site as bench/stack.py does (a fresh PostgreSQL database, the Procfile's gunicorn with production
settings on a free loopback port) with `--workers` workers and the rate limit raised, then:

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
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import django
import psycopg
from stack import FORM_PATH, percentile, production_site  # bench/stack.py, beside this script

HTTP_TIMEOUT = 30
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN_INPUT = re.compile(r'name="form_token" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


@dataclass
class OpenedForm:
    cookie: str
    csrf: str
    form_token: str


# The form's minimum fill time and a little more, so that the benchmark's people are not taken for scripts.
MIN_FILL_SECONDS = 3.2


def request(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None):
    connection = HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def open_form(port: int, headers: dict | None = None) -> OpenedForm:
    status, response_headers, html = request(port, "GET", FORM_PATH, headers=headers)
    if status != 200:
        raise RuntimeError(f"form page answered {status}")
    cookie = next(_CSRF_COOKIE.search(value) for name, value in response_headers if name.lower() == "set-cookie")
    return OpenedForm(
        cookie=cookie.group(1),
        csrf=_CSRF_INPUT.search(html).group(1),
        form_token=_FORM_TOKEN_INPUT.search(html).group(1),
    )


def submit(
    port: int,
    form: OpenedForm,
    index: int,
    extra: dict | None = None,
    refusal: str = "",
    headers: dict | None = None,
) -> tuple[float, str]:
    """POST one filled-in form (with `extra` answers, e.g. a chosen call time, and `headers`, e.g. a client's
    address); (seconds until the response, and "stored" for the 303 to the thanks page, "refused" for the form
    shown again with the `refusal` text, or "error")."""
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
            **(extra or {}),
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={form.cookie}",
        **(headers or {}),
    }
    started = time.perf_counter()
    try:
        status, response_headers, page = request(port, "POST", FORM_PATH, body, headers)
    except OSError:
        return time.perf_counter() - started, "error"
    elapsed = time.perf_counter() - started
    location = dict((name.lower(), value) for name, value in response_headers).get("location", "")
    if status == 303 and location.endswith("/thanks/"):
        return elapsed, "stored"
    return elapsed, "refused" if refusal and status == 200 and refusal in page else "error"


def rows_stored(database_url: str) -> tuple[int, int, int, str]:
    """Requests stored, how many as spam, how many linked as duplicates, and the server's version."""
    connection = psycopg.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'spam'), count(duplicate_of_id)"
                " FROM consultations_consultationrequest"
            )
            rows, spam, duplicates = cursor.fetchone()
            cursor.execute("SHOW server_version")
            return rows, spam, duplicates, cursor.fetchone()[0]
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    environment = {
        "WEB_CONCURRENCY": str(args.workers),
        "CONSULTATION_RATE_LIMIT_PER_HOUR": str(10 * args.requests),
        # One staff email per request recorded in the same transaction, as in production (no worker sends them).
        "CONSULTATION_NOTIFY_EMAILS": "intake@example.org",
        "LOG_LEVEL": "WARNING",
    }
    with production_site(environment=environment, redis_url=args.redis) as site:
        port = site.port
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            opening_cpu, started = site.cpu_seconds(), time.perf_counter()
            forms = list(pool.map(lambda _: open_form(port), range(args.requests)))
            opening, opening_cpu = time.perf_counter() - started, site.cpu_seconds() - opening_cpu
            time.sleep(MIN_FILL_SECONDS)
            cpu_before, started = site.cpu_seconds(), time.perf_counter()
            results = list(pool.map(lambda item: submit(port, item[1], item[0]), enumerate(forms)))
            sending, cpu = time.perf_counter() - started, site.cpu_seconds() - cpu_before
        rows, spam, duplicates, postgres_version = rows_stored(site.database_url)

    latencies = sorted(seconds * 1000 for seconds, _ in results)
    errors = sum(outcome != "stored" for _, outcome in results)
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
