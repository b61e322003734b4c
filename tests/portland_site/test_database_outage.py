"""A hung database (a network partition, a frozen server): gunicorn, PostgreSQL behind a proxy that freezes."""

import secrets
import threading

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from tests.faults import fetch, wait_until

# Asked with a session cookie, the admin must read the session from the database.
SESSION = {"Cookie": f"sessionid={secrets.token_hex(16)}"}


def test_a_hung_database_gets_a_fast_friendly_503_and_cached_pages_keep_being_served(
    site_through_proxy, database_proxy
):
    site = site_through_proxy(workers=2)
    for path in ("/", "/our-approach/"):
        assert fetch(site.base + path).status == 200  # now cached
    assert fetch(site.base + "/admin/", headers=SESSION).status == 302  # both workers hold a connection by now
    assert fetch(site.base + "/admin/", headers=SESSION).status == 302

    database_proxy.freeze()
    health = fetch(site.base + "/healthz")
    assert (health.status, health.body) == (503, "unavailable\n")
    assert health.seconds < 4, "healthz has its own short deadline"

    stuck = {}
    waiting = threading.Thread(target=lambda: stuck.update(answer=fetch(site.base + "/admin/", headers=SESSION)))
    waiting.start()
    # While one worker waits for the database, the other serves the cached pages.
    pages = [fetch(site.base + path) for path in ("/", "/our-approach/")]
    assert [page.status for page in pages] == [200, 200]
    assert max(page.seconds for page in pages) < 3
    waiting.join(timeout=30)

    answer = stuck["answer"]
    assert answer.status == 503
    assert answer.seconds < 8, "the connect and query deadlines, not gunicorn's 30 s timeout"
    assert answer.headers["Retry-After"] == "60"
    page = BeautifulSoup(answer.body, "html.parser")
    assert page.find("h1").get_text(strip=True) == "Sorry, this part of our website is not working just now"
    assert page.find("main").find("a", href="tel:+12075550142")
    assert "988" in page.find("footer").get_text()
    assert "Traceback" not in answer.body and "OperationalError" not in answer.body

    database_proxy.restore()
    wait_until(lambda: fetch(site.base + "/healthz").status == 200, timeout=20, what="healthz to recover")
    # Each process tries the database again within its breaker's few seconds.
    wait_until(lambda: fetch(site.base + "/admin/", headers=SESSION).status == 302, timeout=10, what="the admin")
    assert "WORKER TIMEOUT" not in site.log()


@pytest.mark.django_db
def test_the_server_is_told_its_statement_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: set DATABASE_URL (CI does)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("5s",)
