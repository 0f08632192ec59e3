"""Reads of the outbox: what waits, what is stuck, what was given up (console, /metrics)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import OutboxEvent, OutboxState


def dead_letters() -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(state=OutboxState.DEAD).order_by("-id")


def backlog() -> dict[str, int]:
    """Rows pending, pending for longer than `OUTBOX_STUCK_SECONDS` (stuck), and dead."""
    stuck_before = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_STUCK_SECONDS)
    counts = OutboxEvent.objects.exclude(state=OutboxState.DONE).aggregate(
        pending=Count("pk", filter=Q(state=OutboxState.PENDING)),
        stuck=Count("pk", filter=Q(state=OutboxState.PENDING, created_at__lt=stuck_before)),
        dead=Count("pk", filter=Q(state=OutboxState.DEAD)),
    )
    return {key: int(value or 0) for key, value in counts.items()}
