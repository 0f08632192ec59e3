"""The tenant's activity log, for the tenant export (tenants.export)."""

from __future__ import annotations

from typing import Any

from tenants.export import register
from tenants.models import Tenant

from .models import ActivityEntry

ACTIVITY_FIELDS = (
    "id", "space_id", "actor_id", "verb", "object_type", "object_id", "summary",
    "changes", "created_at",
)  # fmt: skip


def export_activity(tenant: Tenant) -> list[dict[str, Any]]:
    return [dict(row) for row in ActivityEntry.objects.order_by("pk").values(*ACTIVITY_FIELDS)]


register("activity", export_activity)
