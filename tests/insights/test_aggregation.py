"""The flush: counters reach the daily tables once, even when a flush stops half-way or two run at once."""

import os
from datetime import date, timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights import aggregation
from insights.counters import LocalCounters, RedisCounters, counter_store
from insights.models import DailyCount, FlushedBatch
from tests.insights.conftest import counted, send_beacon

DAY = date(2026, 11, 30)


def refuse(**counts):
    raise aggregation.DatabaseError("database away")


@pytest.fixture
def redis_store(monkeypatch):
    """Counters in Redis (the machine's, under this run's key prefix), whether or not the run uses REDIS_URL."""
    store = RedisCounters(settings.REDIS_URL or "redis://127.0.0.1:6379/0", os.environ["CACHE_KEY_PREFIX"])
    try:
        store.client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    monkeypatch.setattr(aggregation, "counter_store", lambda: store)
    yield store
    for key in store.client.scan_iter(match=f"{store.prefix}:*"):
        store.client.delete(key)


def totals() -> dict:
    return {(row.day, row.kind, row.key): row.count for row in DailyCount.objects.all()}


def test_counts_add_to_what_the_tables_already_hold(db, redis_store):
    redis_store.add(DAY, [("view", "/"), ("referrer", "example.com")])
    aggregation.flush_counts()
    redis_store.add(DAY, [("view", "/")])
    redis_store.add(DAY, [("view", "/faq/")])
    assert aggregation.flush_counts() == 2
    assert totals() == {(DAY, "view", "/"): 2, (DAY, "referrer", "example.com"): 1, (DAY, "view", "/faq/"): 1}


def test_a_batch_added_by_a_flush_that_stopped_before_deleting_it_is_not_added_again(db, redis_store):
    redis_store.add(DAY, [("view", "/")])
    redis_store.add(DAY, [("view", "/")])
    [batch] = redis_store.take()
    assert aggregation._apply(batch)  # the worker was killed here, before store.done(batch)
    assert aggregation.flush_counts() == 2  # found and recognised, then deleted
    assert totals() == {(DAY, "view", "/"): 2}
    assert aggregation.flush_counts() == 0
    assert list(redis_store.client.scan_iter(match=f"{redis_store.prefix}:flushing:*")) == []


def test_a_batch_the_database_refused_is_kept_for_the_next_flush(db, redis_store, monkeypatch):
    redis_store.add(DAY, [("view", "/")])

    monkeypatch.setattr(aggregation, "add_counts", refuse)
    assert aggregation.flush_counts() == 0
    monkeypatch.undo()
    monkeypatch.setattr(aggregation, "counter_store", lambda: redis_store)
    assert aggregation.flush_counts() == 1
    assert totals() == {(DAY, "view", "/"): 1}
    assert FlushedBatch.objects.count() == 1


def test_a_process_without_redis_keeps_a_refused_batch_too(db, monkeypatch):
    store = LocalCounters()
    monkeypatch.setattr(aggregation, "counter_store", lambda: store)
    store.add(DAY, [("view", "/")])
    monkeypatch.setattr(aggregation, "add_counts", refuse)
    assert aggregation.flush_counts() == 0
    monkeypatch.undo()
    monkeypatch.setattr(aggregation, "counter_store", lambda: store)
    assert aggregation.flush_counts() == 1


def test_beacons_never_flush_nor_queue_a_flush_however_long_since_the_last(beacon_client, settings):
    """Issue 27.8 / 22.6: a flush in a web request held a worker for seconds while the database was frozen."""
    settings.INSIGHTS_FLUSH_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            send_beacon(beacon_client, p="/")
        store = counter_store()
        if store.shared:
            store.push()  # the half-second push
        send_beacon(beacon_client, p="/")
    assert len(queries) == 0
    assert DailyCount.objects.count() == 0
    assert counted() == {("view", "/"): 4}  # all there for the worker's clock


def test_a_batch_is_added_with_one_insert_on_conflict_per_500_rows(db, redis_store):
    keys = [f"site{number}.example" for number in range(150)]
    for key in keys:
        redis_store.add(DAY, [("view", "/"), ("form_from", key)])
    DailyCount.objects.create(day=DAY, kind="view", key="/", count=7)
    with CaptureQueriesContext(connection) as queries:
        assert aggregation.flush_counts() == 300
    writes = [query["sql"] for query in queries if "insights_dailycount" in query["sql"]]
    assert len(writes) == 1, writes
    assert writes[0].startswith("INSERT INTO") and "ON CONFLICT" in writes[0]
    assert totals()[DAY, "view", "/"] == 157
    assert DailyCount.objects.count() == 151
    # Well over 500 rows: one statement each 500.
    for number in range(1200):
        redis_store.add(DAY, [("form_from", f"page{number}")])
    with CaptureQueriesContext(connection) as queries:
        aggregation.flush_counts()
    assert len([query for query in queries if "insights_dailycount" in query["sql"]]) == 3


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "process"])
def test_new_referrers_and_campaigns_beyond_the_days_cap_count_as_other(db, request, monkeypatch, settings, shared):
    settings.INSIGHTS_NEW_KEYS_PER_DAY = 20
    today = timezone.localdate()  # a process forgets the keys of days long gone
    store = request.getfixturevalue("redis_store") if shared else LocalCounters()
    monkeypatch.setattr(aggregation, "counter_store", lambda: store)
    for number in range(50):  # 50 distinct referrers and campaigns, two beacons each
        for _ in range(2):
            store.add(today, [("view", "/"), ("referrer", f"r{number}.example"), ("campaign", f"c{number}")])
        if shared and number == 25:
            store.push()  # the cap holds across pushes (and processes): it is kept in Redis
    aggregation.flush_counts()
    referrers = dict(DailyCount.objects.filter(kind="referrer").values_list("key", "count"))
    assert len(referrers) == 21
    assert referrers["other"] == 60
    assert referrers["r0.example"] == 2  # the first ones keep counting
    assert DailyCount.objects.filter(kind="campaign").count() == 21
    assert totals()[today, "view", "/"] == 100  # pages are never capped
    store.add(today, [("referrer", "r3.example"), ("referrer", "late.example")])
    aggregation.flush_counts()
    assert totals()[today, "referrer", "r3.example"] == 3
    assert totals()[today, "referrer", "other"] == 61


def test_old_small_referrer_and_campaign_rows_fold_into_other(db, settings):
    today = date(2026, 12, 1)
    old, recent = today - timedelta(days=91), today - timedelta(days=89)
    for day in (old, recent):
        DailyCount.objects.bulk_create(
            [
                DailyCount(day=day, kind="referrer", key="small.example", count=4),
                DailyCount(day=day, kind="referrer", key="tiny.example", count=1),
                DailyCount(day=day, kind="referrer", key="big.example", count=5),
                DailyCount(day=day, kind="referrer", key="other", count=2),
                DailyCount(day=day, kind="campaign", key="spring", count=3),
                DailyCount(day=day, kind="view", key="/faq/", count=1),
            ]
        )
    assert aggregation.fold_small_counts(today=today) == 3
    assert {(kind, key): count for day, kind, key, count in _rows() if day == old} == {
        ("referrer", "big.example"): 5,
        ("referrer", "other"): 7,
        ("campaign", "other"): 3,
        ("view", "/faq/"): 1,
    }
    assert len([row for row in _rows() if row[0] == recent]) == 6, "recent rows are left alone"
    assert aggregation.fold_small_counts(today=today) == 0


def _rows():
    return DailyCount.objects.values_list("day", "kind", "key", "count")
