"""Load-test the site as production runs it and print requests/s and latency per URL.

    .venv/bin/python bench/pages.py [--rounds 10] [--duration 3] [--connections 32] [--web "gunicorn ..."]

The site runs as in production (see bench/stack.py: PostgreSQL, Redis, the Procfile's gunicorn, DJANGO_DEBUG
off); wrk, in a second process on loopback, loads one URL at a time with `Accept-Encoding: gzip` as a browser
sends it. The hashed stylesheet, served by WhiteNoise through the same gunicorn, is the ceiling each page is
compared with. Other work on a shared machine comes and goes, so the URLs take turns in many short rounds: a
page's ratio to the static file is taken within each round, and medians over the rounds are shown.
Needs wrk: `apt-get install -y wrk`.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
from functools import partial
from pathlib import Path

from stack import FORM_PATH, describe_machine, fetch, production_site, set_call_capacity, version

EDITORIAL = ("/", "/why-not-traditional-rehab/", "/benzodiazepines/", "/benzodiazepines/diazepam/")
TARGET_RATIO, TARGET_P99_MS = 0.70, 50
# The form page with its list of call times (issue 12).
FORM_TARGET_RATIO = 0.15


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[unit]


def to_bytes(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(B|KB|MB|GB)", value).groups()
    return float(number) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[unit]


def load(url: str, duration: int, connections: int) -> dict:
    # One wrk thread: the client shares the two cores with gunicorn, so it should take as little as it can.
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
        errors += int(re.search(r"Non-2xx or 3xx responses: (\d+)", output).group(1)) if "Non-2xx" in output else 0
        return {
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "rps": rps,
            "p50": to_ms(re.search(r"^\s+50%\s+(\S+)\s*$", output, re.MULTILINE).group(1)),
            "p99": to_ms(re.search(r"^\s+99%\s+(\S+)\s*$", output, re.MULTILINE).group(1)),
            "bytes": to_bytes(re.search(r"Transfer/sec:\s+(\S+)", output).group(1)) / rps,
            "errors": errors,
        }
    except (AttributeError, KeyError) as error:
        raise SystemExit(f"could not read wrk's output for {url}:\n{output}") from error


def cpu_steal() -> tuple[int, int]:
    """(steal, total) jiffies so far: time the hypervisor gave to other machines."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[7], sum(fields)


def measure(site, args) -> tuple[list[tuple[str, str]], dict, list[str]]:
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', fetch(site.base + "/")[1]).group(1)
    urls = [(path, "editorial") for path in EDITORIAL]
    notes = []
    urls += [(FORM_PATH, "form (GET)"), (stylesheet, "static file"), ("/healthz", "health (1 query)")]
    for path, _ in urls:
        for _ in range(20):  # warm: workers started, connections open, pages in the caches
            fetch(site.base + path)

    runs = {path: [] for path, _ in urls}
    load_before = os.getloadavg()[0]
    steal_before = cpu_steal()
    for round_number in range(args.rounds):
        # Each round starts one URL later, so none is always measured first or last.
        turn = round_number % len(urls)
        for path, _ in urls[turn:] + urls[:turn]:
            cpu_before = site.cpu_seconds()
            run = load(site.base + path, args.duration, args.connections)
            run["cpu_ms"] = (site.cpu_seconds() - cpu_before) * 1000 / run["requests"]
            runs[path].append(run)
    steal_after = cpu_steal()
    steal = (steal_after[0] - steal_before[0]) / max(1, steal_after[1] - steal_before[1])
    notes.append(
        f"Load average (1 min) before the load: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}; "
        f"CPU time stolen by the hypervisor meanwhile: {steal:.1%}."
    )
    static = next(path for path, what in urls if what == "static file")
    results = {}
    for path, path_runs in runs.items():
        results[path] = {
            field: statistics.median(run[field] for run in path_runs)
            for field in ("rps", "p50", "p99", "bytes", "cpu_ms")
        }
        # The i-th run of every URL belongs to round i: the static file was measured seconds away.
        ratios = [run["rps"] / ceiling["rps"] for run, ceiling in zip(path_runs, runs[static], strict=True)]
        results[path] |= {"ratio": statistics.median(ratios), "ratios": ratios}
        results[path]["errors"] = sum(run["errors"] for run in path_runs)
    return urls, results, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds over all URLs (default 10)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per URL and round (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--web", help="a web command to try instead of the Procfile's (for tuning)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    print("\n".join(describe_machine()) + f", {version('wrk', '--version').split(' Copyright')[0]}")
    # The form as a clinic has it: weekday call windows, 10-12 and 2-4, so it lists about 80 times.
    capacity = partial(set_call_capacity, places=2, spans=[("10:00", "12:00"), ("14:00", "16:00")], weekdays=range(5))
    with production_site(args.web, prepare=capacity) as site:
        print(f"web: {site.web_command}")
        print(
            f"load: wrk, 1 thread, {args.connections} connections, gzip accepted; {args.rounds} rounds of "
            f"{args.duration} s per URL\n"
        )
        urls, results, notes = measure(site, args)

    print(
        "| URL | what | requests/s | p50 ms | p99 ms | vs static file | (lowest, highest round) "
        "| server CPU ms/request | bytes/response | errors |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    failures = []
    for path, what in urls:
        result = results[path]
        print(
            f"| `{path}` | {what} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
            f"| {result['ratio']:.0%} | {min(result['ratios']):.0%}, {max(result['ratios']):.0%} "
            f"| {result['cpu_ms']:.2f} | {result['bytes']:.0f} | {result['errors']} |"
        )
        if result["errors"]:
            failures.append(f"{path}: {result['errors']} errors")
        if what == "editorial" and (result["ratio"] < TARGET_RATIO or result["p99"] >= TARGET_P99_MS):
            failures.append(f"{path}: {result['ratio']:.0%} of the static file, p99 {result['p99']:.1f} ms")
        if what == "form (GET)" and result["ratio"] < FORM_TARGET_RATIO:
            failures.append(f"{path}: {result['ratio']:.0%} of the static file")
    print("\nMedians over the rounds. " + " ".join(notes) + f" gunicorn's log: {site.log}")
    target = (
        f"editorial pages at {TARGET_RATIO:.0%}+ of the static file's throughput, p99 < {TARGET_P99_MS} ms; "
        f"the form at {FORM_TARGET_RATIO:.0%}+"
    )
    print(f"Target ({target}): " + ("met." if not failures else "NOT met: " + "; ".join(failures)))


if __name__ == "__main__":
    main()
