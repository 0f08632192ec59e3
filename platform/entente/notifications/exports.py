"""The people's notification settings for this tenant (public schema), for the tenant export."""

from __future__ import annotations

from typing import Any

from tenants.export import RestoreContext, register
from tenants.models import Tenant

from .models import NotificationPreference

FIELDS = ("user_id", "kind", "space_id", "delivery")


def export_preferences(tenant: Tenant) -> list[dict[str, Any]]:
    rows = NotificationPreference.objects.filter(tenant=tenant).order_by("pk")
    return [dict(row) for row in rows.values(*FIELDS)]


def restore_preferences(context: RestoreContext, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        NotificationPreference.objects.update_or_create(
            user_id=context.person(row["user_id"]),
            kind=row["kind"],
            tenant=context.tenant,
            space_id=row["space_id"],
            defaults={"delivery": row["delivery"]},
        )


register(
    "notification_settings",
    export_preferences,
    restore_preferences,
    person_fields=("user_id",),
    json_schema={
        "type": "array",
        "description": "préférences de notification propres à la collectivité",
        "items": {
            "type": "object",
            "properties": {
                "user_id": {"type": "integer"},
                "kind": {"type": "string"},
                "space_id": {"type": ["integer", "null"]},
                "delivery": {"type": "string"},
            },
            "required": list(FIELDS),
        },
    },
)
