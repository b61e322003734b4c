"""After a burst of beacons with a distinctive user agent and addresses, neither appears anywhere we store."""

import pickle

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from insights.counters import RedisCounters, counter_store
from tests.insights.conftest import counted, send_beacon

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0 Zqxwv-Distinctive-7731"
FORWARDED = "203.0.113.77"
REMOTE = "198.51.100.23"
SECRETS = (AGENT, "Zqxwv-Distinctive", FORWARDED, REMOTE)


def everything_in_the_database() -> str:
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (our own table names)
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def everything_in_the_caches() -> str:
    """Every key and value under this run's prefix in Redis, or in the local-memory caches."""
    found = []
    store = counter_store()
    if isinstance(store, RedisCounters):
        store.push()  # what this process counted in the last half second
        client = store.client
        for key in client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
            kind = client.type(key).decode()
            value = client.hgetall(key) if kind == "hash" else client.get(key) if kind == "string" else b""
            found.append(f"{key!r} {value!r}")
    for cache in caches.all():
        for key, value in (
            getattr(cache, "_cache", {}).items() if isinstance(getattr(cache, "_cache", None), dict) else ()
        ):
            found.append(f"{key!r} {pickle.loads(value)!r}")  # noqa: S301 (our own cache)
    return "\n".join(found)


@pytest.mark.parametrize("proxy_header", ["", "HTTP_X_FORWARDED_FOR"])
def test_no_user_agent_and_no_address_is_kept_anywhere(beacon_client, settings, proxy_header):
    settings.TRUSTED_PROXY_IP_HEADER = proxy_header
    for path in ("/", "/faq/", "/request-a-call-back/", "/our-approach/"):
        for _ in range(5):
            response = beacon_client.post(
                "/visit/",
                {"p": path, "ref": "example.com", "utm_source": "letter"},
                HTTP_USER_AGENT=AGENT,
                HTTP_X_FORWARDED_FOR=FORWARDED,
                REMOTE_ADDR=REMOTE,
            )
            assert not response.cookies
    pending = everything_in_the_caches()  # before the flush: what waits in Redis or memory
    totals = counted()
    assert totals[("view", "/")] == 5
    stored = "\n".join([pending, everything_in_the_caches(), everything_in_the_database()])
    for secret in SECRETS:
        assert secret not in stored
    assert not beacon_client.cookies


def test_the_search_would_find_them_if_they_were_kept(beacon_client):
    """The searches above can fail: a value that is stored is found."""
    send_beacon(beacon_client, p="/", utm_campaign="zqxwv-7731")
    assert "zqxwv-7731" in everything_in_the_caches() or counter_store().shared is False
    counted()
    assert "zqxwv-7731" in everything_in_the_database()
