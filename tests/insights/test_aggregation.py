"""The flush: counters reach the daily tables once, even when a flush stops half-way or two run at once."""

import os
from datetime import date

import pytest
import redis
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from insights import aggregation
from insights.counters import LocalCounters, RedisCounters, counter_store
from insights.models import DailyCount, FlushedBatch
from tests.insights.conftest import counted, send_beacon

DAY = date(2026, 11, 30)


def refuse(batch):
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

    monkeypatch.setattr(aggregation, "_add", refuse)
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
    monkeypatch.setattr(aggregation, "_add", refuse)
    assert aggregation.flush_counts() == 0
    monkeypatch.undo()
    monkeypatch.setattr(aggregation, "counter_store", lambda: store)
    assert aggregation.flush_counts() == 1


def test_beacons_ask_for_a_flush_once_the_interval_has_passed(
    beacon_client, settings, django_capture_on_commit_callbacks
):
    settings.INSIGHTS_FLUSH_SECONDS = 0
    store = counter_store()
    send_beacon(beacon_client, p="/")
    if store.shared:
        store.push()  # the half-second push, which finds the flush due
        with django_capture_on_commit_callbacks(execute=True):
            send_beacon(beacon_client, p="/")
        assert DBTaskResult.objects.filter(task_path="insights.tasks.flush_visit_counts").count() == 1
        assert counted() == {("view", "/"): 2}
    else:
        send_beacon(beacon_client, p="/")  # the process's own counts, flushed by itself
        assert sum(DailyCount.objects.values_list("count", flat=True)) >= 1
