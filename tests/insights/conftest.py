import pytest
from django.test import Client

from insights.aggregation import flush_counts
from insights.counters import counter_store
from insights.models import DailyCount

BEACON_URL = "/visit/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def send_beacon(client: Client, user_agent: str = BROWSER, **data):
    """POST as navigator.sendBeacon does: a form-encoded body, no CSRF token."""
    return client.post(BEACON_URL, data, HTTP_USER_AGENT=user_agent)


def counted() -> dict[tuple[str, str], int]:
    """Flush the counters, then everything in the daily tables by (kind, key), summed over days."""
    flush_counts()
    totals: dict[tuple[str, str], int] = {}
    for row in DailyCount.objects.all():
        totals[row.kind, row.key] = totals.get((row.kind, row.key), 0) + row.count
    return totals


@pytest.fixture
def beacon_client(db):
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _empty_counters():
    """A process's own counters (no Redis) outlive a test; Redis keys are emptied with the caches."""
    counter_store().take()
    yield
    counter_store().take()
