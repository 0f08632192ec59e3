"""Colleagues' invitations, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import ColleagueInvitation

register_models("colleague_invitations", ColleagueInvitation)
