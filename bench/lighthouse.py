"""Run Lighthouse (mobile emulation) on the main kinds of page of the site as production runs it; print scores.

    npm ci --prefix bench               # once: Lighthouse, pinned in bench/package-lock.json
    .venv/bin/python bench/lighthouse.py [--runs 3]

The site runs as in bench/stack.py (gunicorn, PostgreSQL, Redis, DJANGO_DEBUG off, plain HTTP on loopback).
Chromium comes from CHROME_PATH (default /usr/bin/chromium: `apt-get install -y chromium`) with flags that keep
it off the network. The full reports go to artifacts/lighthouse/.
"""

import argparse
import json
import os
import re
import subprocess
import time
import urllib.parse
from functools import partial

from stack import FORM_PATH, ROOT, describe_machine, fetch, production_site, set_call_capacity, version
from submit import MIN_FILL_SECONDS, open_form, request  # bench/submit.py, beside this script

THANKS_PATH = f"{FORM_PATH}thanks/"

PAGES = (
    ("/", "home"),
    ("/withdrawal-symptoms/", "article"),
    ("/benzodiazepines/", "benzodiazepine table"),
    ("/benzodiazepines/diazepam/", "medication"),
    (FORM_PATH, "call-back form"),
    # The pages a patient reads before calling (issue 11).
    ("/our-team/", "team"),
    ("/costs-and-insurance/", "costs"),
    ("/what-to-expect/", "what to expect"),
    ("/staying-safe/", "staying safe"),
    ("/for-families/", "for families"),
    ("/visit-us/", "visit us"),
    ("/faq/", "FAQ"),
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "artifacts" / "lighthouse"


def lighthouse(url: str, name: str, cookie: str = "") -> dict:
    command = [
        LIGHTHOUSE,
        url,
        *([f"--extra-headers={json.dumps({'Cookie': cookie})}"] if cookie else []),
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={REPORTS / name}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # On a busy machine Chromium sometimes loses the trace (NO_NAVSTART); Lighthouse's advice is to run again.
    for attempt in range(3):
        if subprocess.run(command, env=env, check=False).returncode == 0:
            return json.loads((REPORTS / f"{name}.report.json").read_text())
        print(f"Lighthouse failed on {url} (attempt {attempt + 1} of 3)")
    raise SystemExit(f"Lighthouse failed three times on {url}")


def thanks_cookie(port: int) -> str:
    """The thanks page's cookie for a request just sent with a chosen time, so that Lighthouse sees the thanks
    page a person sees (the reference, the time, the private link's buttons), not the general one."""
    form = open_form(port)
    time.sleep(MIN_FILL_SECONDS)
    _, _, html = request(port, "GET", FORM_PATH, headers={"Cookie": f"csrftoken={form.cookie}"})
    call_at = re.search(r'<option value="(\d{8}T\d{4}Z)"', html).group(1)
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": form.csrf,
            "form_token": form.form_token,
            "name": "Bench Person",
            "phone": "(207) 555-0100",
            "when": "chosen",
            "call_at": call_at,
            "voicemail_ok": "yes",
            "request_for": "myself",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={form.cookie}"}
    status, response_headers, _ = request(port, "POST", FORM_PATH, body, headers)
    sent = [value for name, value in response_headers if name.lower() == "set-cookie" and "ptc_request_sent" in value]
    if status != 303 or not sent:
        raise SystemExit(f"The form did not send the bench's request (HTTP {status})")
    return sent[0].split(";", 1)[0]


def shortfalls(report: dict) -> list[str]:
    """Every audit not passed in full, marked as scored or not (Lighthouse's insights weigh nothing)."""
    found = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["score"] is not None and audit["score"] < 1 and audit["scoreDisplayMode"] in ("binary", "numeric"):
                scored = "scored" if ref["weight"] else "unscored"
                found.append(f"{category}/{ref['id']} ({scored}, {audit['score']:.2f}) {audit.get('displayValue', '')}")
    return found


def score(report: dict, category: str) -> int:
    return round(report["categories"][category]["score"] * 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median one is shown (default 3)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix bench")
    REPORTS.mkdir(parents=True, exist_ok=True)
    print("\n".join(describe_machine()))
    chromium = version(os.environ.get("CHROME_PATH", "/usr/bin/chromium"), "--version")
    print(f"Lighthouse {version(str(LIGHTHOUSE), '--version')}, {chromium}; mobile emulation, simulated throttling")
    rows, notes, details, benchmarks = [], [], [], []
    # Call windows every day, so that the form lists its call times and the thanks page has a booked call.
    every_day = partial(set_call_capacity, places=50, spans=(("00:00", "23:30"),), weekdays=range(7))
    with production_site(prepare=every_day) as site:
        # The thanks page last: its cookie lasts ten minutes.
        for path, what in (*PAGES, (THANKS_PATH, "thanks")):
            if fetch(site.base + path)[0] != 200:
                notes.append(f"{path} ({what}) answers 404 on this branch: not measured.")
                continue
            name = what.replace(" ", "-")
            cookie = thanks_cookie(site.port) if path == THANKS_PATH else ""
            # Lighthouse's own advice for variance: several runs, the median one reported.
            reports = sorted(
                (lighthouse(site.base + path, f"{name}-{run + 1}", cookie) for run in range(args.runs)),
                key=lambda report: report["audits"]["total-blocking-time"]["numericValue"],
            )
            report = reports[len(reports) // 2]
            benchmarks += [run["environment"]["benchmarkIndex"] for run in reports]
            scores = [score(report, category) for category in CATEGORIES]
            metrics = [report["audits"][metric]["displayValue"] for metric in METRICS]
            total = report["audits"]["total-byte-weight"]["numericValue"]
            each = "/".join(str(score(run, "performance")) for run in reports)
            rows.append(
                f"| `{path}` | {what} | "
                + " | ".join(map(str, scores + metrics))
                + f" | {total / 1024:.1f} KiB | {each} |"
            )
            details += [f"{path}: {shortfall}" for shortfall in shortfalls(report)]
            if path == "/":
                requests = report["audits"]["network-requests"]["details"]["items"]
                details += [
                    f"/ loads {item['url'].removeprefix(site.base)}: {item['transferSize']} bytes" for item in requests
                ]

    print(
        "| URL | page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | transfer "
        "| performance, each run |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(rows))
    # Lighthouse times a small CPU task before each run: lower means a slower (or busier) machine.
    speed = f"Lighthouse's CPU benchmark index over the runs: {min(benchmarks):.0f} to {max(benchmarks):.0f}."
    print("\n".join(["", f"The median of {args.runs} runs by total blocking time. {speed}", *notes, *details]))
    print(f"Reports: {REPORTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
