"""Reads of invitations, guests and what projects open to citizens (tenant schema + people)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from entente.accounts.models import Membership, Role, User
from entente.spaces.models import Space, SpaceMembership
from tenants.models import Tenant

from .models import DEFAULT_OPEN_SECTIONS, CitizenInvitation, PublicProjectSettings


def token_hash(raw: str) -> str:
    """SHA-256 is enough: the token is 32 random bytes, not a password someone chose."""
    return hashlib.sha256(raw.encode()).hexdigest()


def open_sections_by_space(space_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    """The sections each project opens to citizens (the guest policy of `spaces.sections`)."""
    chosen = dict(
        PublicProjectSettings.objects.filter(space_id__in=list(space_ids)).values_list(
            "space_id", "open_sections"
        )
    )
    return {
        space_id: frozenset(chosen.get(space_id, DEFAULT_OPEN_SECTIONS)) for space_id in space_ids
    }


def open_sections_of(space: Space) -> list[str]:
    return sorted(open_sections_by_space([space.pk])[space.pk])


def invitation_for_token(raw: str) -> CitizenInvitation | None:
    if not raw or len(raw) > 200:
        return None
    return (
        CitizenInvitation.objects.select_related("space").filter(token_hash=token_hash(raw)).first()
    )


def invitations_of(space: Space) -> QuerySet[CitizenInvitation]:
    """The project's invitations not yet accepted (pending, expired, revoked), newest first."""
    return CitizenInvitation.objects.filter(space=space, accepted_at__isnull=True).order_by(
        "-sent_at", "-id"
    )


def pending_invitations() -> QuerySet[CitizenInvitation]:
    """Every invitation of the tenant still waiting for its citizen."""
    return (
        CitizenInvitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("space")
        .order_by("-sent_at", "-id")
    )


@dataclass
class Guest:
    membership: Membership
    user: User
    last_seen_at: datetime | None
    projects: list[Space] = field(default_factory=list)


def guests_of(tenant: Tenant) -> list[Guest]:
    """The tenant's guests with their projects and last visit (two queries)."""
    members = list(
        Membership.objects.filter(tenant=tenant, role=Role.GUEST)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    guests = {
        m.user_id: Guest(membership=m, user=m.user, last_seen_at=m.last_seen_at) for m in members
    }
    rows = (
        SpaceMembership.objects.filter(user_id__in=list(guests))
        .select_related("space")
        .order_by("space__name")
    )
    for row in rows:
        guests[row.user_id].projects.append(row.space)
    return list(guests.values())


def guest_of(tenant: Tenant, user_id: int) -> Membership | None:
    return (
        Membership.objects.filter(tenant=tenant, user_id=user_id, role=Role.GUEST)
        .select_related("user")
        .first()
    )
