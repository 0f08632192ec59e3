"""Writes of the analytics app: page-level usage, and the retention purge."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from . import buffer
from .catalogue import USAGE_EVENTS
from .models import UsageEvent


def record_usage(*, tenant_schema: str, user_id: int | None, name: str, kind: str = "") -> None:
    """Note a page-level use (a search, preferences saved): one RPUSH, written in batches
    by the `drain_usage_buffer` beat task (`entente.analytics.buffer`)."""
    if name not in USAGE_EVENTS:
        raise ValueError(f"{name!r} is not in the usage catalogue")
    if user_id is None or tenant_schema == "public":
        return
    buffer.push(tenant_schema, user_id, name, kind)


def purge_expired_events(now: datetime.datetime | None = None) -> int:
    """Delete raw events older than the retention (CNIL: 13 months); rollups stay."""
    limit = (now or timezone.now()) - datetime.timedelta(
        days=settings.ENTENTE_ANALYTICS_RETENTION_DAYS
    )
    deleted, _ = UsageEvent.objects.filter(occurred_at__lt=limit).delete()
    return deleted


def note_use(request: HttpRequest, name: str) -> None:
    """`record_usage` for a page: its tenant and logged-in person (nothing on the bare domain)."""
    tenant = getattr(request, "tenant", None)
    user_id = getattr(request.user, "pk", None)
    if tenant is not None:
        record_usage(tenant_schema=tenant.schema_name, user_id=user_id, name=name)
