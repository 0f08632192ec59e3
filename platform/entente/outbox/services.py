"""Writes on outbox rows other than the relay's own: replaying a dead letter."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent, OutboxState
from .relay import _wake_after_commit


@transaction.atomic
def replay(row: OutboxEvent) -> OutboxEvent:
    """Make a dead letter due again, with a fresh retry period; its key stays (acts once)."""
    row = OutboxEvent.objects.select_for_update().get(pk=row.pk)
    if row.state != OutboxState.DEAD:
        return row
    now = timezone.now()
    row.state = OutboxState.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.retry_until = now + datetime.timedelta(seconds=settings.OUTBOX_RETRY_FOR_SECONDS)
    row.save(update_fields=["state", "attempts", "next_attempt_at", "retry_until"])
    _wake_after_commit(row.pk)
    return row
