"""Load the visit-count beacon as browsers send it and check every beacon was counted.

    .venv/bin/python bench/beacon.py [--rounds 5] [--duration 3] [--connections 32]

The site runs as in production (bench/stack.py: PostgreSQL, Redis, the Procfile's gunicorn, DJANGO_DEBUG off).
wrk, on loopback, POSTs a form-encoded beacon (a page, a referring site, a campaign) with a browser's user agent,
as navigator.sendBeacon does. No worker runs, so every count stays in Redis: afterwards the script reads today's
counters and compares them with the number of beacons wrk saw answered (plus those still in flight when it
stopped). Target: 2,000 beacons/s, 0 errors, every
beacon counted, and no database write per beacon (the task table gains at most one flush request per minute).
Needs wrk: `apt-get install -y wrk`.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import redis
from stack import REDIS_URL, describe_machine, fetch, production_site, version

from pages import load, to_ms  # bench/pages.py, beside this script

TARGET_RPS = 2000
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SCRIPT = f"""
wrk.method = "POST"
wrk.body = "p=%2F&ref=duckduckgo.com&utm_campaign=bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
wrk.headers["User-Agent"] = "{BROWSER}"
"""


def _percentile(output: str, percent: int) -> float:
    match = re.search(rf"^\s+{percent}(?:\.000)?%\s+(\S+)\s*$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"no {percent}th percentile in wrk's output:\n{output}")
    return to_ms(match.group(1))


def run_wrk(url: str, script: Path, duration: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Latency Distribution" not in output:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(re.search(r"Non-2xx or 3xx responses: (\d+)", output).group(1)) if "Non-2xx" in output else 0
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _percentile(output, 50),
        "p99": _percentile(output, 99),
        "errors": errors,
    }


def database_rows(database_url: str) -> int:
    connection = psycopg.connect(database_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult")
        rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM insights_dailycount")
        rows += cursor.fetchone()[0]
    connection.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3, help="seconds per round (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    print("\n".join(describe_machine()) + f", {version('wrk', '--version').split(' Copyright')[0]}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, production_site() as site:
        script.write(SCRIPT)
        script.flush()
        print(
            f"web: {site.web_command}\nload: wrk, 1 thread, {args.connections} connections, {args.rounds} x "
            f"{args.duration} s\n"
        )
        rows_before = database_rows(site.database_url)
        load_before = os.getloadavg()[0]
        # The static file, measured in the same rounds, says how much this busy machine allowed at the time.
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', fetch(site.base + "/")[1]).group(1)
        runs = []
        for _ in range(args.rounds):
            cpu_before = site.cpu_seconds()
            run = run_wrk(site.base + "/visit/", Path(script.name), args.duration, args.connections)
            run["cpu_ms"] = (site.cpu_seconds() - cpu_before) * 1000 / run["requests"]
            run["static_rps"] = load(site.base + stylesheet, args.duration, args.connections)["rps"]
            runs.append(run)
        load_after = os.getloadavg()[0]
        time.sleep(2)  # each gunicorn worker pushes its last counts to Redis (insights.counters.PUSH_SECONDS)
        rows_added = database_rows(site.database_url) - rows_before
        today = datetime.datetime.now(ZoneInfo(os.environ.get("CLINIC_TIME_ZONE", "America/New_York"))).date()
        client = redis.Redis.from_url(REDIS_URL)
        counted = sum(
            int(client.hget(key, "view|/") or 0)
            for key in client.scan_iter(match=f"{site.cache_prefix}:insights:*{today.isoformat()}*")
        )
    sent = sum(run["requests"] for run in runs)
    errors = sum(run["errors"] for run in runs)
    rps = statistics.median(run["rps"] for run in runs)
    print("| round | beacons/s | p50 ms | p99 ms | server CPU ms/beacon | errors | static file requests/s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for number, run in enumerate(runs, 1):
        print(
            f"| {number} | {run['rps']:.0f} | {run['p50']:.1f} | {run['p99']:.1f} | {run['cpu_ms']:.2f} "
            f"| {run['errors']} | {run['static_rps']:.0f} |"
        )
    print(
        f"\nMedian {rps:.0f} beacons/s; {sent} answered, {counted} counted in Redis, {errors} errors; "
        f"database rows added meanwhile: {rows_added}. Load average (1 min) before: {load_before:.1f}, "
        f"after: {load_after:.1f}."
    )
    # wrk stops with up to one beacon per connection in flight: the server still counts those.
    met = rps >= TARGET_RPS and not errors and sent <= counted <= sent + args.connections * args.rounds
    print(f"Target ({TARGET_RPS} beacons/s, 0 errors, every beacon counted): " + ("met." if met else "NOT met."))


if __name__ == "__main__":
    main()
