"""Reads of spaces, in the current tenant's schema."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from entente.accounts.models import Membership, Role

from .models import Space, SpaceMembership, Visibility


def visible_spaces() -> QuerySet[Space]:
    """Every active space of the tenant, whoever asks (for counts and admin views)."""
    return Space.objects.filter(archived_at__isnull=True)


def spaces_for(membership: Membership, *, include_archived: bool = False) -> QuerySet[Space]:
    """The spaces this member may see, by the same rules as `permissions.space_abilities`."""
    spaces = Space.objects.all()
    if not include_archived:
        spaces = spaces.filter(archived_at__isnull=True)
    if membership.role == Role.ADMIN:
        return spaces
    mine = Q(memberships__user_id=membership.user_id)
    if membership.role == Role.GUEST:
        return spaces.filter(mine, visibility=Visibility.PUBLIC_PROJECT).distinct()
    return spaces.filter(mine | ~Q(visibility=Visibility.PRIVATE)).distinct()


def space_role_of(user_id: int, space: Space) -> str | None:
    return (
        SpaceMembership.objects.filter(space=space, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )
