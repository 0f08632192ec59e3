"""The tenant's members (public schema, filtered by tenant), for the tenant export; the restore
gives the same people (mapped by e-mail) the same roles in the new tenant."""

from __future__ import annotations

from typing import Any

from tenants.export import RestoreContext, register
from tenants.models import Tenant

from .models import Membership


def export_memberships(tenant: Tenant) -> list[dict[str, Any]]:
    return [
        {
            "user_id": membership.user_id,
            "email": membership.user.email,
            "full_name": membership.user.full_name,
            "function": membership.user.function,
            "role": membership.role,
            "created_at": membership.created_at,
        }
        for membership in Membership.objects.filter(tenant=tenant)
        .select_related("user")
        .order_by("user__email")
    ]


def restore_memberships(context: RestoreContext, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        Membership.objects.update_or_create(
            user_id=context.person(row["user_id"]),
            tenant=context.tenant,
            defaults={"role": row["role"]},
        )


register(
    "memberships",
    export_memberships,
    restore_memberships,
    person_fields=("user_id",),
    json_schema={
        "type": "array",
        "description": "membres de la collectivité",
        "items": {
            "type": "object",
            "properties": {
                "user_id": {"type": "integer"},
                "email": {"type": "string"},
                "full_name": {"type": "string"},
                "function": {"type": "string"},
                "role": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
            },
            "required": ["user_id", "email", "role"],
        },
    },
)
