"""One row per published event, written in the transaction of the change that caused it.

Public schema, the tenant as a column: a relay scans one table, never 36,224 schemas. Rows are
handled in id order; the partial index keeps the relay's scan to the rows still due, however
many done rows wait for pruning.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxState(models.TextChoices):
    PENDING = "pending", _("À traiter")
    DONE = "done", _("Traité")
    DEAD = "dead", _("Abandonné")


class OutboxEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=64, unique=True)
    """Stable per row: handlers dedupe on it (notifications' `event_key`), so twice acts once."""
    name = models.CharField(max_length=100)
    tenant_schema = models.CharField(max_length=63)
    payload = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    space_id = models.IntegerField(null=True, blank=True)
    user_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    retry_until = models.DateTimeField()
    """After this, a failing row becomes a dead letter (`OUTBOX_RETRY_FOR_SECONDS` after it was
    written, or after a replay)."""
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("événement à traiter")
        verbose_name_plural = _("événements à traiter")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(state="pending"),
                name="outbox_pending_due",
            ),
            models.Index(
                fields=["handled_at"], condition=models.Q(state="done"), name="outbox_done"
            ),
            models.Index(fields=["id"], condition=models.Q(state="dead"), name="outbox_dead"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"
