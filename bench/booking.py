"""Benchmark, not a test: many people booking the same call time at once.

    .venv/bin/python bench/booking.py [--requests 500] [--places 40] [--concurrency 100]

The site runs as in production (bench/stack.py: PostgreSQL, Redis, the Procfile's gunicorn, DJANGO_DEBUG off)
with the rate limit raised. One call window on every day of the week (00:00–23:30, 30-minute calls) has
`--places` places and no notice. The script opens one form page per person (each its own CSRF cookie and
one-time form token), picks one call time the form offers, waits out the 3-second minimum fill time, then
posts every form for that same time, `--concurrency` at a time. A 303 to the thanks page is a booking; the form
shown again saying the time was taken is a refusal; anything else is an error. At the end it counts the
bookings for that time in PostgreSQL. Target (issue 12): exactly `--places` booked, the rest told, 0 errors.
"""

import argparse
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial

import psycopg
from stack import FORM_PATH, describe_machine, percentile, production_site, set_call_capacity
from submit import MIN_FILL_SECONDS, open_form, request, submit

_OPTION = re.compile(r'<option value="(\d{8}T\d{4}Z)"')


def bookings_at(database_url: str, value: str) -> int:
    connection = psycopg.connect(database_url)
    try:
        with connection.cursor() as cursor:
            starts_at = datetime.strptime(value, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
            cursor.execute("SELECT count(*) FROM consultations_booking WHERE starts_at = %s", (starts_at,))
            return cursor.fetchone()[0]
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--places", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=100)
    options = parser.parse_args()
    for line in describe_machine():
        print(line)
    limit = {"CONSULTATION_RATE_LIMIT_PER_HOUR": str(options.requests * 10)}
    capacity = partial(set_call_capacity, places=options.places, spans=[("00:00", "23:30")], weekdays=range(7))
    with production_site(environment=limit, prepare=capacity) as site:
        status, _, html = request(site.port, "GET", FORM_PATH)
        offered = _OPTION.findall(html)
        if status != 200 or len(offered) < 10:
            raise SystemExit(f"the form offers {len(offered)} call times (status {status})")
        chosen = offered[9]  # a time a few hours ahead, still open at the end of the run
        with ThreadPoolExecutor(max_workers=20) as pool:
            forms = list(pool.map(lambda _: open_form(site.port), range(options.requests)))
        time.sleep(MIN_FILL_SECONDS)
        answers = {"when": "chosen", "call_at": chosen}
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=options.concurrency) as pool:
            results = list(
                pool.map(
                    lambda item: submit(site.port, item[1], item[0], answers, refusal="someone else has just taken"),
                    enumerate(forms),
                )
            )
        elapsed = time.perf_counter() - started
        booked = bookings_at(site.database_url, chosen)
    latencies = [seconds for seconds, _ in results]
    outcomes = [outcome for _, outcome in results]
    told = outcomes.count("refused")
    errors = len(outcomes) - outcomes.count("stored") - told
    print(
        f"load: {options.requests} bookings of one call time with {options.places} places, "
        f"{options.concurrency} at a time"
    )
    print(
        f"{len(results) / elapsed:.0f} POSTs/s; p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(f"booked (303): {outcomes.count('stored')}; told the time was taken: {told}; errors: {errors}")
    print(f"bookings for that time in PostgreSQL: {booked}")
    met = booked == options.places == outcomes.count("stored") and told == options.requests - options.places
    verdict = "met" if met and not errors else "NOT met"
    print(f"Target (exactly {options.places} booked, the rest told, 0 errors): {verdict}")


if __name__ == "__main__":
    main()
