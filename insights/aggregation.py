"""Moving the counters into the daily tables, on the worker's own clock (`run_worker`, every
INSIGHTS_FLUSH_SECONDS), never in a web request; and folding old small rows of referrers and campaigns away."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from insights.counters import CAPPED_KINDS, OTHER, Batch, counter_store
from insights.models import DailyCount, FlushedBatch

logger = logging.getLogger(__name__)

# Long enough for any batch left in the counter store (insights.counters.KEEP_SECONDS) to be recognised.
_FORGET_BATCHES_AFTER = timedelta(days=30)
# Rows per statement: well under PostgreSQL's and SQLite's limits on parameters.
_ROWS_PER_STATEMENT = 500


def add_counts(*, counts: dict[tuple[date, str, str], int]) -> None:
    """Add the counts to the daily rows, creating those that are missing: one INSERT … ON CONFLICT DO UPDATE per
    500 rows, whatever was there before (PostgreSQL and SQLite alike)."""
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    rows = list(counts.items())
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        parameters = [value for (day, kind, key), number in chunk for value in (day, kind, key, number)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (day, kind, key, count) VALUES {values} "  # noqa: S608 (our own table name)
                f"ON CONFLICT (day, kind, key) DO UPDATE SET count = {table}.count + excluded.count",
                parameters,
            )


def _apply(batch: Batch) -> bool:
    """Add the batch once: True when it is in the tables (now or by an earlier flush)."""
    try:
        with transaction.atomic():
            if FlushedBatch.objects.filter(id=batch.id).exists():
                return True
            FlushedBatch.objects.create(id=batch.id)
            add_counts(counts={(batch.day, kind, key): number for (kind, key), number in batch.counts.items()})
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


def fold_small_counts(*, today: date | None = None) -> int:
    """Fold the referrer and campaign rows older than INSIGHTS_SMALL_ROWS_AFTER_DAYS whose count is below
    INSIGHTS_SMALL_ROW_COUNT into their day's "other" row: the totals stay, the long tail goes. Returns how many
    rows went."""
    today = today or timezone.localdate()
    small = DailyCount.objects.filter(
        day__lt=today - timedelta(days=settings.INSIGHTS_SMALL_ROWS_AFTER_DAYS),
        kind__in=CAPPED_KINDS,
        count__lt=settings.INSIGHTS_SMALL_ROW_COUNT,
    ).exclude(key=OTHER)
    with transaction.atomic():
        folded = {
            (row["day"], row["kind"], OTHER): row["total"]
            for row in small.values("day", "kind").annotate(total=Sum("count")).order_by()
        }
        if folded:
            add_counts(counts=folded)
        deleted, _ = small.delete()
    if deleted:
        logger.info('Visit figures: %s small referrer and campaign rows folded into "other"', deleted)
    return deleted
