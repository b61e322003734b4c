"""Benchmark, not a test: what a script with N client addresses can book of the call times (issue 22).

    .venv/bin/python bench/booking_flood.py [--attackers 40] [--forms-per-address 5] [--minutes 2]

The site runs as in production (bench/stack.py: PostgreSQL, Redis, the Procfile's gunicorn, DJANGO_DEBUG off),
behind a pretend proxy: TRUSTED_PROXY_IP_HEADER is X-Forwarded-For, so each attacker can be given its own
address. The call capacity is the demo's (weekdays 10–12 and 2–4, two calls at once, two hours' notice) and every
limit is at its default. Each of `--attackers` addresses, each in an IPv4 /24 of its own (the attacker's best
case), repeatedly opens the form, waits out the minimum fill time and books times offered (each form its own,
the attackers spread over the list), with a new phone number each time, `--forms-per-address` at a time, until a
round books nothing or `--minutes` pass. It then counts the places taken, and asks the form as a new visitor
whether "At a time I choose" is still offered.
"""

import argparse
import re
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import psycopg
from stack import FORM_PATH, describe_machine, production_site, set_call_capacity
from submit import MIN_FILL_SECONDS, open_form, request, submit

_OPTION = re.compile(r'<option value="(\d{8}T\d{4}Z)"')


def places(database_url: str) -> tuple[int, int]:
    """Bookings in the database, and pauses the breaker started."""
    connection = psycopg.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM consultations_booking")
            booked = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM consultations_bookingpause")
            return booked, cursor.fetchone()[0]
    finally:
        connection.close()


def attacker(port: int, number: int, forms: int, deadline: float) -> int:
    """One address booking offered times again and again, until a round books nothing; how many it booked."""
    address = {"X-Forwarded-For": f"10.{number // 256}.{number % 256}.7"}
    booked = 0
    tries = 0
    while time.monotonic() < deadline:
        status, _, html = request(port, "GET", FORM_PATH, headers=address)
        offered = _OPTION.findall(html) if status == 200 else []
        if not offered:
            break
        opened = [open_form(port, address) for _ in range(forms)]
        time.sleep(MIN_FILL_SECONDS)
        this_round = 0
        for index, form in enumerate(opened):
            tries += 1
            phone = f"(207) 77{number % 10}-{(number * 100 + tries) % 10000:04d}"  # a valid number of its own
            # Each form a different time, and the attackers spread over the list, as a script would.
            extra = {"when": "chosen", "call_at": offered[(number * forms + index) % len(offered)], "phone": phone}
            this_round += submit(port, form, number * 1000 + index, extra, headers=address)[1] == "stored"
        booked += this_round
        if not this_round:
            break
    return booked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attackers", type=int, default=40)
    parser.add_argument("--forms-per-address", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=2)
    options = parser.parse_args()
    for line in describe_machine():
        print(line)
    proxy = {"TRUSTED_PROXY_IP_HEADER": "X-Forwarded-For"}
    capacity = partial(
        set_call_capacity, places=2, spans=[("10:00", "12:00"), ("14:00", "16:00")], weekdays=range(5), notice_hours=2
    )
    with production_site(environment=proxy, prepare=capacity) as site:
        status, _, html = request(site.port, "GET", FORM_PATH, headers={"X-Forwarded-For": "192.0.2.1"})
        offered = len(_OPTION.findall(html))
        print(f"call times offered before: {offered} (two places each)")
        started = time.monotonic()
        deadline = started + options.minutes * 60
        with ThreadPoolExecutor(max_workers=options.attackers) as pool:
            per_address = list(
                pool.map(
                    lambda number: attacker(site.port, number, options.forms_per_address, deadline),
                    range(options.attackers),
                )
            )
        elapsed = time.monotonic() - started
        booked, pauses = places(site.database_url)
        _, _, html = request(site.port, "GET", FORM_PATH, headers={"X-Forwarded-For": "192.0.2.2"})
        still_offered = 'value="chosen"' in html
    print(f"attackers: {options.attackers} addresses, each in its own /24, {options.forms_per_address} forms at a time")
    print(f"places taken: {booked} of {offered * 2} in {elapsed:.0f} s (most by one address: {max(per_address)})")
    print(f"breaker pauses started: {pauses}; a new visitor is offered a time of their choosing: {still_offered}")


if __name__ == "__main__":
    main()
