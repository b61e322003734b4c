"""Run Lighthouse (mobile emulation) on the main kinds of page of the site as production runs it; print scores.

    npm ci --prefix bench               # once: Lighthouse, pinned in bench/package-lock.json
    .venv/bin/python bench/lighthouse.py

The site runs as in bench/stack.py (gunicorn, PostgreSQL, Redis, DJANGO_DEBUG off, plain HTTP on loopback).
Chromium comes from CHROME_PATH (default /usr/bin/chromium: `apt-get install -y chromium`) with flags that keep
it off the network. The full reports go to artifacts/lighthouse/.
"""

import json
import os
import subprocess

from stack import FORM_PATH, ROOT, describe_machine, fetch, production_site, version

PAGES = (
    ("/", "home"),
    ("/withdrawal-symptoms/", "article"),
    ("/benzodiazepines/", "benzodiazepine table"),
    ("/benzodiazepines/diazepam/", "medication"),
    (FORM_PATH, "call-back form"),
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "artifacts" / "lighthouse"


def lighthouse(url: str, name: str) -> dict:
    subprocess.run(
        [
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            "--output=html",
            f"--output-path={REPORTS / name}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )
    return json.loads((REPORTS / f"{name}.report.json").read_text())


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


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix bench")
    REPORTS.mkdir(parents=True, exist_ok=True)
    print("\n".join(describe_machine()))
    chromium = version(os.environ.get("CHROME_PATH", "/usr/bin/chromium"), "--version")
    print(f"Lighthouse {version(str(LIGHTHOUSE), '--version')}, {chromium}; mobile emulation, simulated throttling")
    rows, notes, details = [], [], []
    with production_site() as site:
        for path, what in PAGES:
            if fetch(site.base + path)[0] != 200:
                notes.append(f"{path} ({what}) answers 404 on this branch: not measured.")
                continue
            name = what.replace(" ", "-")
            report = lighthouse(site.base + path, name)
            scores = [round(report["categories"][category]["score"] * 100) for category in CATEGORIES]
            metrics = [report["audits"][metric]["displayValue"] for metric in METRICS]
            total = report["audits"]["total-byte-weight"]["numericValue"]
            rows.append(
                f"| `{path}` | {what} | " + " | ".join(map(str, scores + metrics)) + f" | {total / 1024:.1f} KiB |"
            )
            details += [f"{path}: {shortfall}" for shortfall in shortfalls(report)]
            if path == "/":
                requests = report["audits"]["network-requests"]["details"]["items"]
                details += [
                    f"/ loads {item['url'].removeprefix(site.base)}: {item['transferSize']} bytes" for item in requests
                ]

    print("| URL | page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | transfer |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    print("\n".join(["", *notes, *details, f"Reports: {REPORTS.relative_to(ROOT)}/"]))


if __name__ == "__main__":
    main()
