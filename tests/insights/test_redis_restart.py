"""Redis restarted without its data (no persistence) while beacons arrive: the worker's clock flushes every
INSIGHTS_FLUSH_SECONDS, so a restart loses at most about that long of counts (issue 27.5). Real gunicorn, a real
`run_worker`, a private redis-server stopped and started again."""

import threading
import time

from insights.models import DailyCount
from tests.faults import Gunicorn, Worker, fetch, wait_until
from tests.insights.conftest import BROWSER
from tests.servers import database_url

FLUSH_SECONDS = 2
SENDING_SECONDS = 12
RESTART_AT = 7  # seconds into the sending


def counted() -> int:
    return sum(DailyCount.objects.values_list("count", flat=True))


def test_a_redis_restart_loses_at_most_a_flush_interval_of_counts(private_redis, transactional_db):
    environment = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": private_redis.url,
        "INSIGHTS_FLUSH_SECONDS": str(FLUSH_SECONDS),
    }
    site, worker = Gunicorn(environment=environment), Worker(environment=environment)
    site.start()
    worker.start()
    sent: list[float] = []
    restarted = {}

    def send_beacons():
        started = time.monotonic()
        while time.monotonic() - started < SENDING_SECONDS:
            headers = {"User-Agent": BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
            answer = fetch(site.base + "/visit/", data=b"p=/", headers=headers, timeout=30)
            assert answer.status == 204
            sent.append(time.monotonic())
            time.sleep(0.02)

    try:
        sender = threading.Thread(target=send_beacons)
        sender.start()
        time.sleep(RESTART_AT)
        private_redis.stop()
        restarted["at"] = time.monotonic()
        private_redis.start()
        sender.join(timeout=60)
        # No beacon asks for a flush any more: the worker's clock moves what is left.
        wait_until(
            lambda: counted() > 0 and time.monotonic() - sent[-1] > 4 * FLUSH_SECONDS, timeout=60, what="flushes"
        )
        total = counted()
    finally:
        site.stop()
        worker.stop()

    at_risk = [moment for moment in sent if restarted["at"] - FLUSH_SECONDS - 1 <= moment <= restarted["at"]]
    lost = len(sent) - total
    print(f"\nRedis restart: {len(sent)} beacons, {total} counted, {lost} lost; {len(at_risk)} in the last interval")
    assert 0 <= lost <= len(at_risk), "at most the counts of one flush interval (and a push) are lost"
    assert total >= 0.75 * len(sent)
