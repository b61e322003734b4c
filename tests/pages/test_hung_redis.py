"""Redis hung (accepting connections, never answering) under gunicorn: articles stay fast and make no database
query, /healthz answers at once, and the log says it once per process (issue 27)."""

import time

from portland_site.breaker import REDIS
from tests.faults import fetch

ARTICLES = ["/", "/our-approach/", "/withdrawal-symptoms/", "/faq/"]
FROZEN_SECONDS = 12


def test_a_frozen_redis_stalls_no_page_and_asks_the_database_nothing(site_through_proxy, database_proxy, private_redis):
    site = site_through_proxy(workers=2, REDIS_URL=private_redis.url, REDIS_SOCKET_TIMEOUT="0.25")
    for _ in range(4):  # both processes have the pages and the facts in memory
        for path in ARTICLES:
            assert fetch(site.base + path).status == 200

    private_redis.freeze()
    asked_before = database_proxy.bytes_to_server
    pages, until = [], time.monotonic() + FROZEN_SECONDS
    while time.monotonic() < until:
        pages.append(fetch(site.base + ARTICLES[len(pages) % len(ARTICLES)], timeout=60))
    asked = database_proxy.bytes_to_server - asked_before
    health = [fetch(site.base + "/healthz", timeout=60) for _ in range(4)]
    private_redis.thaw()

    assert {page.status for page in pages} == {200}
    seconds = sorted(page.seconds for page in pages)
    # Only the first request in each process waits for the 0.25 s timeout, then one trial every 5 s (however many
    # requests a busy machine manages meanwhile); before the breaker, every request waited up to 1 s per call.
    # Per process: the first call, and a trial each time the breaker's period has passed (one more at the edges).
    trials = 2 * (int(FROZEN_SECONDS / REDIS.open_seconds) + 2)
    assert len([answer for answer in seconds if answer >= 0.25]) <= trials, seconds[-trials - 2 :]
    assert seconds[len(seconds) // 2] < 0.1
    assert seconds[-1] < 1
    assert asked == 0, "articles were served from the process's memory, with no database query"
    assert {(answer.status, answer.body) for answer in health} == {(200, "degraded\n")}
    assert max(answer.seconds for answer in health) < 1
    log = site.log()
    assert 1 <= log.count("Redis (the shared cache) is unavailable") <= 2  # once per process
    assert "Traceback" not in log
    print(f"\nRedis frozen {FROZEN_SECONDS} s: {len(pages)} articles, p90 {seconds[int(0.9 * len(seconds))]:.3f} s")
