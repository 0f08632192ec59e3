"""The tenant's spaces and their members, for the tenant export (tenants.export)."""

from __future__ import annotations

from typing import Any

from tenants.export import register
from tenants.models import Tenant

from .models import Space, SpaceMembership

SPACE_FIELDS = (
    "id", "name", "description", "kind", "visibility", "created_by_id",
    "created_at", "updated_at", "archived_at",
)  # fmt: skip


def export_spaces(tenant: Tenant) -> list[dict[str, Any]]:
    return [dict(row) for row in Space.objects.order_by("pk").values(*SPACE_FIELDS)]


def export_space_members(tenant: Tenant) -> list[dict[str, Any]]:
    members = SpaceMembership.objects.order_by("pk")
    return [dict(row) for row in members.values("space_id", "user_id", "role", "created_at")]


register("spaces", export_spaces)
register("space_members", export_space_members)
