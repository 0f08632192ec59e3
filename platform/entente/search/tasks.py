"""Background indexing. Idempotent: an entry is upserted by (tenant, kind, id), or removed."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import services

RETRY: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 10,
    "ignore_result": True,
}


@shared_task(**RETRY)
def index_after_event(tenant_schema: str, payload: dict[str, Any]) -> int:
    """Index again what an `activity.recorded` event touched (plain data survives restarts)."""
    return services.index_after_event(tenant_schema, payload)


@shared_task(**RETRY)
def index_objects(tenant_schema: str, kind: str, object_ids: list[int]) -> int:
    return services.index_by_schema(tenant_schema, kind, object_ids)
