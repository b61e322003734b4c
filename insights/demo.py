"""Twelve weeks of made-up visit and request counts, so that the figures page shows charts under `make run`."""

import random
from datetime import timedelta

from insights.models import DailyCount, Kind
from portland_site.clinic_time import in_clinic_time

DEMO_WEEKS = 12
# Pages and where people came from, with how many visits a day each draws on average (made up).
_VIEWS = {"/": 40, "/benzodiazepines/": 18, "/our-approach/": 12, "/costs-and-insurance/": 9, "/our-team/": 7}
_REFERRERS = {"www.google.com": 25, "duckduckgo.com": 4, "www.bing.com": 3}


def load_demo_counts() -> int:
    """Count the last DEMO_WEEKS weeks, up to yesterday; days already counted are left alone. Returns the days
    created."""
    today = in_clinic_time().date()
    days = [today - timedelta(days=ago) for ago in range(DEMO_WEEKS * 7, 0, -1)]
    counted = set(DailyCount.objects.filter(day__in=days).values_list("day", flat=True))
    chance = random.Random(12)  # noqa: S311 (made-up figures, the same on every machine)
    rows = []
    for day in days:
        if day in counted:
            continue
        quiet = 0.5 if day.weekday() >= 5 else 1.0  # fewer visits at weekends
        for kind, keys in ((Kind.VIEW, _VIEWS), (Kind.REFERRER, _REFERRERS)):
            rows += [
                DailyCount(day=day, kind=kind, key=key, count=max(0, round(chance.gauss(mean, mean / 4) * quiet)))
                for key, mean in keys.items()
            ]
        opened = max(1, round(chance.gauss(8, 2) * quiet))
        rows += [
            DailyCount(day=day, kind=Kind.FORM_OPENED, key="", count=opened),
            DailyCount(day=day, kind=Kind.FORM_FROM, key="/", count=opened // 2),
            DailyCount(day=day, kind=Kind.FORM_ERROR, key="", count=chance.randrange(0, 3)),
            DailyCount(day=day, kind=Kind.REQUEST_SENT, key="", count=max(0, opened - chance.randrange(2, 5))),
        ]
    DailyCount.objects.bulk_create(rows)
    return len(days) - len(counted)
