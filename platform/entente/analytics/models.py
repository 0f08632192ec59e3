"""Usage analytics (public schema): the raw event log, daily rollups and their fill state.

The log names people (so that a person's discovery can be computed) and is purged after
`ENTENTE_ANALYTICS_RETENTION_DAYS`; erasing a person deletes their events (CASCADE). Rollups
hold counts only, never a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UsageEvent(models.Model):
    """One thing a person did, named from the catalogue (`entente.analytics.catalogue`)."""

    # The outbox event's key and the entry's rank in it: a redelivery writes nothing.
    key = models.CharField(max_length=120, unique=True)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    role = models.CharField(max_length=16, blank=True)  # the tenant role when it happened
    name = models.CharField(max_length=48)
    object_kind = models.CharField(max_length=32, blank=True)
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "user", "name"]),
            models.Index(fields=["tenant", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.occurred_at:%Y-%m-%d}"


class DailyUsage(models.Model):
    """Events and distinct people per tenant, feature, role and day (no one named)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    name = models.CharField(max_length=48)
    role = models.CharField(max_length=16, blank=True)
    events = models.PositiveIntegerField()
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "name", "role"], name="analytics_daily_unique"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.name} {self.day}: {self.events}"


class FillState(models.Model):
    """How far a rollup has been computed, as Zulip's `FillState`: the last complete day,
    and whether a day was being filled when the run stopped (it is then filled again)."""

    STARTED = "started"
    DONE = "done"

    rollup = models.CharField(max_length=40, unique=True)
    end_day = models.DateField()
    state = models.CharField(max_length=8, choices=[(STARTED, STARTED), (DONE, DONE)])
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.rollup}: {self.end_day} ({self.state})"


class DismissedSuggestion(models.Model):
    """A feature a person asked never to be suggested again (in any tenant)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    feature = models.CharField(max_length=48)
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "feature"], name="analytics_dismissed_unique")
        ]

    def __str__(self) -> str:
        return f"{self.feature} (dismissed)"


class TrialActivation(models.Model):
    """A tenant's activation score as last computed (the console sorts and filters on it);
    the reasons are recomputed on the tenant's page."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="activation"
    )
    score = models.PositiveSmallIntegerField(db_index=True)
    met = models.JSONField(default=list)  # the keys of the reasons met
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.score} %"
