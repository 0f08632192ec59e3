"""The tenant's members (public schema, filtered by tenant), for the tenant export."""

from __future__ import annotations

from typing import Any

from tenants.export import register
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


register("memberships", export_memberships)
