"""The per-client limit on call-back requests."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from consultations import ratelimit
from consultations.models import ConsultationRequest
from harness.loopback import wait_until
from portland_site import ratelimit as shared_counters
from tests.consultations.conftest import FORM_URL, soup
from tests.factories import valid_answers

pytestmark = pytest.mark.django_db
LIMIT = 5  # the default


def send(client, **extra):
    return client.post(FORM_URL, valid_answers(), **extra).status_code


def test_the_default_limit_is_five_an_hour():
    assert django_settings.CONSULTATION_RATE_LIMIT_PER_HOUR == LIMIT
    assert ratelimit.PERIOD_SECONDS == 3600


def test_each_client_ip_has_its_own_limit_and_a_limited_one_gets_a_friendly_429():
    first, second = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="198.51.100.7")
    assert [send(first) for _ in range(LIMIT)] == [303] * LIMIT
    limited = first.post(FORM_URL, valid_answers())
    assert limited.status_code == 429
    assert ConsultationRequest.objects.count() == LIMIT
    assert send(second) == 303
    assert ConsultationRequest.objects.count() == LIMIT + 1
    # The limited person is told before filling the form in again, too.
    assert first.get(FORM_URL).status_code == 429
    assert second.get(FORM_URL).status_code == 200


def test_the_429_page_is_in_the_site_look_with_the_phone_number(client):
    for _ in range(LIMIT):
        send(client)
    response = client.post(FORM_URL, valid_answers())
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "no-store" in response["Cache-Control"]
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == "Please call us instead"
    assert page.find("main").find("a", href="tel:+12075550142")
    assert page.select_one("header a[href^='tel:']") and "988" in page.find("footer").get_text()


def test_mistakes_do_not_count_towards_the_limit(client):
    for _ in range(LIMIT * 2):
        assert client.post(FORM_URL, valid_answers(phone="oops")).status_code == 200
    assert [send(client) for _ in range(LIMIT)] == [303] * LIMIT


def test_the_limit_is_a_setting(client, settings):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 2
    assert [send(client) for _ in range(3)] == [303, 303, 429]


@pytest.mark.slow  # waits out a 3 s period
def test_the_count_ends_after_the_period(client, monkeypatch):
    # Long enough for the sends to fit in one period on a busy machine (1 s did not, at load 18).
    period = 3
    monkeypatch.setattr(ratelimit, "PERIOD_SECONDS", period)
    for _ in range(LIMIT):
        send(client)
    assert send(client) == 429
    # Looking at the form does not count, and shows whether the client is still held back.
    wait_until(lambda: client.get(FORM_URL).status_code == 200, timeout=period + 10, what="the period to end")
    assert send(client) == 303


class KeyRecorder:
    """Passes calls through to the cache, noting every key used."""

    def __init__(self):
        self.keys = []

    def __getattr__(self, name):
        def call(key, *args, **kwargs):
            self.keys.append(key)
            return getattr(cache, name)(key, *args, **kwargs)

        return call


def test_the_cache_key_is_a_keyed_hash_never_the_address(monkeypatch, settings):
    recorder = KeyRecorder()
    monkeypatch.setattr(shared_counters, "cache", recorder)
    Client(REMOTE_ADDR="203.0.113.5").post(FORM_URL, valid_answers())
    assert recorder.keys
    for key in recorder.keys:
        assert "203" not in key and "113" not in key
        assert key.startswith("consultations:submissions:") and len(key.rsplit(":", 1)[1]) == 64
    first_key = recorder.keys[0]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefghijkl"
    Client(REMOTE_ADDR="203.0.113.5").post(FORM_URL, valid_answers())
    assert recorder.keys[-1] != first_key, "the hash depends on the secret key"


def test_clients_behind_the_proxy_are_limited_one_by_one(settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for index in range(LIMIT):
        # A client changing the spoofable left part of the header is still the same client.
        send(proxy, HTTP_X_FORWARDED_FOR=f"9.9.9.{index}, 203.0.113.5")
    assert send(proxy, HTTP_X_FORWARDED_FOR="203.0.113.5") == 429
    assert send(proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == 303


def test_ipv6_clients_are_counted_per_64_network():
    for index in range(LIMIT):
        assert send(Client(REMOTE_ADDR=f"2001:db8:1:2::{index + 1:x}")) == 303
    assert send(Client(REMOTE_ADDR="2001:db8:1:2:ffff::1")) == 429
    assert send(Client(REMOTE_ADDR="2001:db8:1:3::1")) == 303


_COUNT_IN_ANOTHER_PROCESS = """
import django
django.setup()
from django.test import RequestFactory
from consultations import ratelimit
request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
print(sum(ratelimit.count_submission(request) for _ in range({tries})))
"""


def count_in_other_processes(processes: int, tries: int) -> list[int]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    script = _COUNT_IN_ANOTHER_PROCESS.format(tries=tries)
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            cwd=django_settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    accepted = []
    for process in running:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        accepted.append(int(out.strip()))
    return accepted


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs a shared Redis: set REDIS_URL (CI does)")
@pytest.mark.slow  # several processes
def test_the_limit_holds_across_processes_sharing_redis():
    # Two other processes race for the same client's allowance; together they get exactly the limit.
    accepted = count_in_other_processes(processes=2, tries=LIMIT)
    assert sum(accepted) == LIMIT
    # And this process, sharing the same Redis, sees the client as limited.
    client = Client(REMOTE_ADDR="203.0.113.77")
    assert client.get(FORM_URL).status_code == 429
    assert send(client) == 429
    assert not ConsultationRequest.objects.exists()
