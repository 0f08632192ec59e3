"""The tenant's activity log, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import ActivityEntry

register_models("activity", ActivityEntry)
