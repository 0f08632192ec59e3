"""Reads of the collectivité's team: its staff (public schema) and its invitations (tenant's)."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from entente.accounts.models import Membership, Role
from tenants.models import Tenant

from .models import ColleagueInvitation

TOKEN_MAX_LENGTH = 200


def token_hash(raw: str) -> str:
    """SHA-256 is enough: the token is 32 random bytes, not a password someone chose."""
    return hashlib.sha256(raw.encode()).hexdigest()


def colleagues_of(tenant: Tenant) -> QuerySet[Membership]:
    """The collectivité's staff (admins, agents, élus), by name; citizens are on their own page."""
    return (
        Membership.objects.filter(tenant=tenant)
        .exclude(role=Role.GUEST)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def colleague(tenant: Tenant, user_id: int) -> Membership | None:
    return colleagues_of(tenant).filter(user_id=user_id).first()


def open_invitations() -> QuerySet[ColleagueInvitation]:
    """Invitations neither accepted nor cancelled (the expired ones too: they can be re-sent)."""
    return ColleagueInvitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def invitation_for_token(raw: str) -> ColleagueInvitation | None:
    if not raw or len(raw) > TOKEN_MAX_LENGTH:
        return None
    return ColleagueInvitation.objects.filter(token_hash=token_hash(raw)).first()
