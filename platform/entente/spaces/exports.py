"""The tenant's spaces, their members and join requests, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import Space, SpaceJoinRequest, SpaceMembership

register_models("spaces", Space)
register_models("space_members", SpaceMembership)
register_models("space_join_requests", SpaceJoinRequest)
