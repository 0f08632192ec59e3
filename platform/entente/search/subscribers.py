"""Hands activity events to Celery: indexing happens in a task, after the publisher's commit.

Registered in `SearchConfig.ready()` through `entente.core.events.subscribe` (the outbox keeps
that interface). Only events some registered kind listens to send a message, with plain data.
"""

from __future__ import annotations

from typing import Any

from entente.core.events import Event
from tenants.models import Tenant

from .registry import kinds_for_verb

ACTIVITY_RECORDED = "activity.recorded"


def on_event(event: Event) -> None:
    if event.name != ACTIVITY_RECORDED:
        return
    verb = str(event.payload.get("verb") or "")
    object_type = str(event.payload.get("object_type") or "")
    if not kinds_for_verb(verb, object_type):
        return
    from .tasks import index_after_event

    index_after_event.delay(event.tenant_schema, dict(event.payload))


def reindex_restored(sender: Any, *, tenant: Tenant, **kwargs: Any) -> None:
    """A tenant restored from a backup or an export: its rows came back without going through
    the services, so nothing indexed them. Rebuild its entries (the restore has committed)."""
    from .services import reindex_tenant

    reindex_tenant(tenant)
