"""Public projects' settings and citizens' invitations, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import CitizenInvitation, PublicProjectSettings

register_models("public_project_settings", PublicProjectSettings)
register_models("citizen_invitations", CitizenInvitation)
