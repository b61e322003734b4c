"""The settings refuse an insecure production configuration and pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.clinic_facts import record_real_looking_facts
from tests.servers import database_url

STRONG_KEY = "p7Hq2vX9sLk4mN8wR1tY6uZ3aB5cD0eF-gJ7hK2iL9oP4qS1rT6uV8wX3yZ5aB7c"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "www.example.org",
    "SITE_URL": "https://www.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    # As docs/deploy.md has it: gunicorn on loopback behind a proxy on the same host, which passes the address.
    "HOST": "127.0.0.1",
    "TRUSTED_PROXY_IP_HEADER": "X-Forwarded-For",
}


def run_django(command: list[str], **overrides: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SITE_URL"))}
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "portland_site.settings"
    return subprocess.run(
        [sys.executable, *command], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )


SETUP = ["-c", "import django; django.setup(); print('started')"]


def test_production_settings_start():
    result = run_django(SETUP)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "DJANGO_SECRET_KEY is missing"),
        ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY is missing"),
        ("DJANGO_SECRET_KEY", "short-key", "DJANGO_SECRET_KEY is too weak"),
        ("DJANGO_SECRET_KEY", "a" * 80, "DJANGO_SECRET_KEY is too weak"),
        ("DJANGO_SECRET_KEY", "django-insecure-" + STRONG_KEY, "DJANGO_SECRET_KEY is too weak"),
        ("DJANGO_ALLOWED_HOSTS", None, "DJANGO_ALLOWED_HOSTS is empty"),
        ("DJANGO_ALLOWED_HOSTS", "", "DJANGO_ALLOWED_HOSTS is empty"),
        ("ADMIN_TWO_FACTOR", "0", "ADMIN_TWO_FACTOR is off and DJANGO_DEBUG is off"),
        (
            "NOTIFICATION_LEASE_SECONDS",
            "59",
            "NOTIFICATION_LEASE_SECONDS (59 s) must be at least twice EMAIL_SEND_TIMEOUT",
        ),
    ],
)
def test_insecure_production_configuration_stops_start_up(variable, value, message):
    result = run_django(SETUP, **{variable: value})
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert message in result.stderr


def test_debug_has_development_defaults():
    result = run_django(SETUP, DJANGO_DEBUG="1", DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("debug", "two_factor", "expected"),
    [("0", None, "True"), ("1", None, "False"), ("1", "1", "True")],
)
def test_two_factor_sign_in_is_on_in_production_and_can_be_tried_in_development(debug, two_factor, expected):
    result = run_django(
        ["-c", "from django.conf import settings; print(settings.ADMIN_TWO_FACTOR)"],
        DJANGO_DEBUG=debug,
        ADMIN_TWO_FACTOR=two_factor,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.django_db(transaction=True)
def test_check_deploy_is_clean_with_production_variables_and_real_facts(quiet_postgres_log):
    record_real_looking_facts()
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], DATABASE_URL=database_url())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_check_deploy_fails_while_a_fact_is_a_placeholder():
    # The facts every test starts with: a 555-01xx phone and an "Example" address.
    result = run_django(["manage.py", "check", "--deploy"], DATABASE_URL=database_url())
    assert result.returncode != 0
    assert "clinic.E003" in result.stderr and "clinic.E005" in result.stderr


@pytest.mark.parametrize("site_url", ["http://www.example.org", "http://127.0.0.1:8000", "https://", "www.example.org"])
def test_check_deploy_fails_when_site_url_is_not_an_https_address(site_url):
    """A printout shows SITE_URL under the heading: it must be the public https address (issue 26)."""
    result = run_django(["manage.py", "check", "--deploy"], SITE_URL=site_url)
    assert result.returncode != 0
    assert "portland_site.E001" in result.stderr


@pytest.mark.parametrize(
    ("host", "header", "only_way_in", "warning"),
    [
        ("0.0.0.0", "X-Forwarded-For", None, "portland_site.W001"),  # noqa: S104
        ("203.0.113.5", "X-Forwarded-For", None, "portland_site.W001"),
        ("127.0.0.1", "", None, "portland_site.W002"),
        (None, "", None, "portland_site.W002"),  # the Procfile's default bind is 127.0.0.1
    ],
)
def test_check_deploy_warns_when_the_bind_and_the_trusted_header_disagree(host, header, only_way_in, warning):
    result = run_django(
        ["manage.py", "check", "--deploy"],
        HOST=host,
        TRUSTED_PROXY_IP_HEADER=header,
        PROXY_IS_ONLY_WAY_IN=only_way_in,
    )
    assert warning in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("host", "header", "only_way_in"),
    [
        ("127.0.0.1", "X-Forwarded-For", None),
        ("unix:/run/ptc/gunicorn.sock", "X-Forwarded-For", None),
        ("0.0.0.0", "", None),  # noqa: S104 (gunicorn facing clients itself)
        ("10.0.0.5", "X-Forwarded-For", "1"),  # a firewall lets only the proxy in
    ],
)
@pytest.mark.django_db(transaction=True)
def test_check_deploy_accepts_a_bind_and_header_that_agree(host, header, only_way_in, quiet_postgres_log):
    record_real_looking_facts()
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        DATABASE_URL=database_url(),
        HOST=host,
        TRUSTED_PROXY_IP_HEADER=header,
        PROXY_IS_ONLY_WAY_IN=only_way_in,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgresql_gets_connect_and_statement_timeouts_from_the_environment():
    show = ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DATABASES)"]
    url = "postgres://ptc@db.internal:5432/ptc"
    default = run_django(show, DATABASE_URL=url).stdout
    assert "'ENGINE': 'portland_site.database'" in default
    assert "'connect_timeout': 3" in default and "'options': '-c statement_timeout=5000'" in default
    chosen = run_django(show, DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="2", DATABASE_STATEMENT_TIMEOUT="0").stdout
    assert "'connect_timeout': 2" in chosen and "'options': '-c statement_timeout=0'" in chosen
