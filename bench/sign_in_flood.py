"""Benchmark, not a test: does the public form stay fast while the staff sign-in is flooded from many addresses?

    .venv/bin/python bench/sign_in_flood.py [--attackers 6] [--samples 40] [--workers 4]

It starts the site as bench/stack.py does (production settings, the real PBKDF2 password hasher, gunicorn with
`--workers` workers), trusting X-Forwarded-For so that each attacker thread can be a client of its own (a /48
apiece, so no per-client limit is shared). Then, twice (with the sign-in limits as shipped, and with them raised
out of reach, as before issue 22), it times `--samples` GETs of the call-back form alone, and again while
`--attackers` threads post sign-in attempts with random usernames as fast as they are answered. It prints the
form's p50/p95 and the attempts answered 200 (a password hashed) or 429 (refused before hashing).
"""

import argparse
import os
import re
import secrets
import threading
import time
import urllib.parse

from stack import FORM_PATH, describe_machine, percentile, production_site  # bench/stack.py, beside this script
from submit import request  # bench/submit.py, beside this script

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
SIGN_IN_PATH = "/admin/login/"
UNCAPPED = {
    "ADMIN_SIGN_IN_LIMIT": "1000000",
    "ADMIN_SIGN_IN_ACCOUNT_LIMIT": "1000000",
    "ADMIN_SIGN_IN_SITE_LIMIT_PER_MINUTE": "1000000",
    "ADMIN_SIGN_IN_CONCURRENT": "1000",
}


def form_latencies(port: int, samples: int) -> list[float]:
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        status, _, _ = request(port, "GET", FORM_PATH)
        timings.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"the form page answered {status}")
        time.sleep(0.05)
    return timings


def attacker(port: int, index: int, stop: threading.Event, statuses: list[int]) -> None:
    address = f"2001:db8:{index + 1:x}::{secrets.randbelow(65535) + 1:x}"
    status, headers, html = request(port, "GET", SIGN_IN_PATH, headers={"X-Forwarded-For": address})
    cookie = next(_CSRF_COOKIE.search(value) for name, value in headers if name.lower() == "set-cookie").group(1)
    token = _CSRF_INPUT.search(html).group(1)
    while not stop.is_set():
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": f"guess{secrets.token_hex(4)}",
                "password": secrets.token_urlsafe(12),
                "otp_token": "123456",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "X-Forwarded-For": address,
        }
        statuses.append(request(port, "POST", SIGN_IN_PATH, body, headers)[0])


def run(environment: dict, args) -> str:
    with production_site(environment=environment) as site:
        quiet = form_latencies(site.port, args.samples)
        stop, statuses = threading.Event(), []
        threads = [
            threading.Thread(target=attacker, args=(site.port, index, stop, statuses))
            for index in range(args.attackers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # let the flood reach its pace
        flooded = form_latencies(site.port, args.samples)
        stop.set()
        for thread in threads:
            thread.join()
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    return (
        f"form p50/p95 alone {percentile(quiet, 0.5) * 1000:.0f}/{percentile(quiet, 0.95) * 1000:.0f} ms; "
        f"during the flood {percentile(flooded, 0.5) * 1000:.0f}/{percentile(flooded, 0.95) * 1000:.0f} ms; "
        f"sign-in answers {counts}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attackers", type=int, default=6)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    base = {"WEB_CONCURRENCY": str(args.workers), "TRUSTED_PROXY_IP_HEADER": "X-Forwarded-For", "LOG_LEVEL": "ERROR"}
    load_before = os.getloadavg()
    print(*describe_machine(), sep="\n")
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print("limits as shipped:", run(base, args))
    print("limits out of reach:", run({**base, **UNCAPPED}, args))
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")


if __name__ == "__main__":
    main()
