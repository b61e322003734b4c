"""Daily aggregate counts of page views and the call-back funnel. Nothing here is about a person."""

from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    VIEW = "view", "Page view"  # key: the page's path
    REFERRER = "referrer", "Came from site"  # key: the other site's domain
    SOURCE = "source", "Campaign source (utm_source)"
    CAMPAIGN = "campaign", "Campaign (utm_campaign)"
    FORM_OPENED = "form_opened", "Call-back form opened"  # key: ""
    FORM_FROM = "form_from", "Form opened from page"  # key: the path of our page the form was opened from
    FORM_ERROR = "form_error", "Form sent with errors"  # key: ""
    REQUEST_SENT = "request_sent", "Request accepted"  # key: ""


class DailyCount(models.Model):
    day = models.DateField()  # in the clinic's time zone
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=200, blank=True)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "visit and request figures"
        verbose_name_plural = "visit and request figures"
        permissions = [("view_marketing_figures", "Can see visit, referrer and campaign figures")]
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "key"], name="insights_one_count_per_day_kind_key"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="insights_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.key}"


class FlushedBatch(models.Model):
    """A batch of counters already added to DailyCount: a worker that stopped between adding a batch and
    deleting it from the counter store finds it here next time and does not add it twice."""

    id = models.CharField(max_length=32, primary_key=True)
    flushed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.id
