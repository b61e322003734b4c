"""Moving the counters into the daily tables (run by the worker, see insights.tasks)."""

import logging
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from insights.counters import Batch, counter_store
from insights.models import DailyCount, FlushedBatch

logger = logging.getLogger(__name__)

# Long enough for any batch left in the counter store (insights.counters.KEEP_SECONDS) to be recognised.
_FORGET_BATCHES_AFTER = timedelta(days=30)


def _add(batch: Batch) -> None:
    DailyCount.objects.bulk_create(
        [DailyCount(day=batch.day, kind=kind, key=key) for kind, key in batch.counts],
        ignore_conflicts=True,
    )
    for (kind, key), number in batch.counts.items():
        DailyCount.objects.filter(day=batch.day, kind=kind, key=key).update(count=F("count") + number)


def _apply(batch: Batch) -> bool:
    """Add the batch once: True when it is in the tables (now or by an earlier flush)."""
    try:
        with transaction.atomic():
            if FlushedBatch.objects.filter(id=batch.id).exists():
                return True
            FlushedBatch.objects.create(id=batch.id)
            _add(batch)
        return True
    except IntegrityError:
        # Two workers took the same left-over batch; whichever committed first added it.
        return FlushedBatch.objects.filter(id=batch.id).exists()


def flush_counts() -> int:
    """Add every counter taken from the store to DailyCount; returns how many counts were added. A batch that
    fails stays in the store for the next flush."""
    store = counter_store()
    added = 0
    for batch in store.take():
        try:
            applied = _apply(batch)
        except DatabaseError:
            logger.exception("visit counts for %s not flushed; kept for the next flush", batch.day)
            applied = False
        if applied:
            store.done(batch)
            added += sum(batch.counts.values())
        else:
            store.keep(batch)
    FlushedBatch.objects.filter(flushed_at__lt=timezone.now() - _FORGET_BATCHES_AFTER).delete()
    return added
