"""Reads of the collectivité's team: its staff (public schema) and its invitations (tenant's)."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from entente.accounts import mfa
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


def second_factor_holders(members: list[Membership]) -> set[int]:
    """Of these colleagues, the ids of those who have a second factor (one query)."""
    return mfa.users_with_second_factor([member.user_id for member in members])


def colleagues_lacking_second_factor(tenant: Tenant) -> list[Membership]:
    """The colleagues the collectivité's two-factor policy covers who have no second factor."""
    roles = mfa.roles_covered(tenant)
    covered = [member for member in colleagues_of(tenant) if member.role in roles]
    holders = second_factor_holders(covered)
    return [member for member in covered if member.user_id not in holders]


def open_invitations() -> QuerySet[ColleagueInvitation]:
    """Invitations neither accepted nor cancelled (the expired ones too: they can be re-sent)."""
    return ColleagueInvitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def invitation_for_token(raw: str) -> ColleagueInvitation | None:
    if not raw or len(raw) > TOKEN_MAX_LENGTH:
        return None
    return ColleagueInvitation.objects.filter(token_hash=token_hash(raw)).first()
