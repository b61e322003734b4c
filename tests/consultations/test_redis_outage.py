"""The call-back form with its shared cache (Redis) stopped: a private redis-server, stopped mid-test."""

import logging

import pytest
import redis
from django.test import Client

from consultations.models import ConsultationRequest
from portland_site.breaker import REDIS
from tests.consultations.conftest import FORM_URL
from tests.factories import valid_answers
from tests.faults import wait_until

pytestmark = pytest.mark.django_db
LIMIT = 5  # the default


def send(client) -> int:
    return client.post(FORM_URL, valid_answers()).status_code


def test_the_form_keeps_working_when_redis_stops_and_the_limit_falls_back_to_this_process(private_redis, caplog):
    client = Client(REMOTE_ADDR="203.0.113.5")
    assert client.get(FORM_URL).status_code == 200
    assert send(client) == 303
    shared = redis.Redis.from_url(private_redis.url)
    assert [key for key in shared.scan_iter() if b"consultations:submissions:" in key], "counted in Redis"

    private_redis.stop()
    with pytest.raises(redis.ConnectionError):
        shared.ping()
    caplog.set_level(logging.WARNING)
    assert client.get(FORM_URL).status_code == 200
    assert [send(client) for _ in range(LIMIT)] == [303] * LIMIT
    assert ConsultationRequest.objects.count() == LIMIT + 1
    # Said once, by the breaker, however many requests meet the outage; no traceback.
    outage_lines = [record for record in caplog.records if "shared cache" in record.getMessage()]
    assert [record.getMessage().split(" (")[0] for record in outage_lines] == ["Redis"]
    assert "is unavailable (ConnectionError" in outage_lines[0].getMessage()
    assert not any(record.exc_info for record in caplog.records)
    # This process now counts on its own, and still holds a client to the limit.
    assert send(client) == 429
    assert client.get(FORM_URL).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").get(FORM_URL).status_code == 200
    assert ConsultationRequest.objects.count() == LIMIT + 1


def test_pages_and_healthz_with_redis_stopped(private_redis, client):
    assert client.get("/healthz").content == b"ok\n"
    private_redis.stop()
    assert client.get("/").status_code == 200
    assert client.get("/our-approach/").status_code == 200
    health = client.get("/healthz")
    # Still 200: the site works without it, and every host shares it (taking hosts out would help nobody).
    assert (health.status_code, health.content) == (200, b"degraded\n")
    private_redis.start()
    # The process tries Redis again within the breaker's few seconds.
    wait_until(lambda: client.get("/healthz").content == b"ok\n", timeout=REDIS.open_seconds + 2, what="ok again")
