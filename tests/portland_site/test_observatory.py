"""The MDN HTTP Observatory's own scanner (npm @mdn/mdn-http-observatory) against the site as production serves it.

The scanner only knows the standard ports: it fetches http://localhost/ (port 80) for the redirection test and
https://localhost/ (port 443) for the rest. Two gunicorns with production settings answer there, one speaking
TLS with a certificate from a CA made for this run, which the scanner is told to trust. Without Node.js and npm
the tests are skipped; with REQUIRE_BROWSER=1 (as in CI, which requires the real tools) they fail instead.
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from harness.loopback import listening, wait_until
from tests.servers import database_url

pytestmark = pytest.mark.slow  # gunicorn and the Observatory scanner

BASE_DIR = Path(__file__).resolve().parents[2]
SCANNER_DIR = BASE_DIR / "tests" / "http-observatory"
SCANNER = SCANNER_DIR / "node_modules" / "@mdn" / "mdn-http-observatory"
# Ports 80 and 443 are the machine's: test runs sharing it take turns.
PORTS_LOCK = Path(tempfile.gettempdir()) / "ptc-observatory-ports.lock"

PATHS = ["/", "/benzodiazepines/", "/request-a-call-back/", f"/{settings.ADMIN_URL}login/"]

# What each of the scanner's tests may find, by the names its results use; the other tests must pass.
EXPECTED = {
    "content-security-policy": {"csp-implemented-with-no-unsafe-default-src-none"},
    "cookies": {"cookies-not-found", "cookies-secure-with-httponly-sessions-and-samesite"},
    "cross-origin-resource-policy": {"corp-implemented-with-same-origin"},
    "cross-origin-resource-sharing": {"cross-origin-resource-sharing-not-implemented"},
    "redirection": {"redirection-to-https"},
    "referrer-policy": {"referrer-policy-private"},
    "strict-transport-security": {"hsts-implemented-max-age-at-least-six-months"},
    # Our scripts are our own, from our own origin: nothing for SRI to pin.
    "subresource-integrity": {
        "sri-not-implemented-but-no-scripts-loaded",
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
    },
    "x-content-type-options": {"x-content-type-options-nosniff"},
    "x-frame-options": {"x-frame-options-implemented-via-csp"},
}


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def scanner() -> Path:
    """The scanner, installed from the lockfile with its install scripts off (they download files)."""
    if not (SCANNER / "src" / "scan.js").exists():
        if not shutil.which("npm"):
            _unavailable("the MDN HTTP Observatory scanner needs Node.js and npm")
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=SCANNER_DIR,
            check=True,
        )
    # What the skipped install script would have downloaded: no domain is on the HSTS preload list here.
    preload = SCANNER / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    return SCANNER / "src" / "scan.js"


def _openssl(*arguments: str, cwd: Path) -> None:
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> Path:
    """A CA for this run and a certificate it signed for localhost."""
    folder = tmp_path_factory.mktemp("tls")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=PTC test CA",
        "-keyout", "ca.key", "-out", "ca.crt", cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "site.key", "-out", "site.csr",
        cwd=folder,
    )  # fmt: skip
    (folder / "site.ext").write_text("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
    _openssl(
        "x509", "-req", "-in", "site.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "site.ext", "-out", "site.crt", cwd=folder,
    )  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def production_site(django_db_setup, certificates):
    """gunicorn with production settings (debug off, HTTPS redirect on) on ports 80 and 443 of localhost."""
    if os.geteuid() != 0:
        _unavailable("ports 80 and 443 need root")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DATABASE_URL": database_url(),
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "portland_site.wsgi", "--workers", "1", "--log-level", "warning"]
    with PORTS_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        servers = [
            subprocess.Popen(
                [*gunicorn, "--bind", "127.0.0.1:443", "--certfile", "site.crt", "--keyfile", "site.key"],
                cwd=certificates,
                env={**env, "PYTHONPATH": str(BASE_DIR)},
            ),
            subprocess.Popen([*gunicorn, "--bind", "127.0.0.1:80"], cwd=BASE_DIR, env=env),
        ]
        try:
            for port in (443, 80):
                wait_until(lambda port=port: listening(port), timeout=30, what=f"gunicorn to listen on port {port}")
            yield certificates / "ca.crt"
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=15)


@pytest.mark.parametrize("path", PATHS)
def test_the_observatory_scanner_grades_the_page_a_plus_with_every_test_passed(scanner, production_site, path):
    result = subprocess.run(
        ["node", str(scanner), f"localhost{path}"],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(production_site)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(result.stdout)
    assert "error" not in report, report
    scan, tests = report["scan"], report["tests"]
    unexpected = {name: test["result"] for name, test in tests.items() if test["result"] not in EXPECTED.get(name, ())}
    assert unexpected == {}
    assert [name for name, test in tests.items() if not test["pass"]] == []
    assert scan["testsPassed"] == scan["testsQuantity"]
    assert scan["grade"] == "A+"
    assert scan["score"] >= 125, scan
