"""Reads of spaces, in the current tenant's schema."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from entente.accounts.models import Membership, Role
from tenants.models import Tenant

from .models import Space, SpaceMembership, Visibility
from .permissions import SpaceAbilities, space_abilities


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


def my_spaces(
    membership: Membership, *, kind: str | None = None, archived: bool = False
) -> QuerySet[Space]:
    """The spaces listed on `/espaces/`: active ones, or archived ones only, of one kind or all."""
    spaces = spaces_for(membership, include_archived=archived)
    if archived:
        spaces = spaces.filter(archived_at__isnull=False)
    if kind:
        spaces = spaces.filter(kind=kind)
    return spaces.order_by("name", "pk")


def dashboard_spaces(membership: Membership) -> QuerySet[Space]:
    """Active spaces for the tenant's home: those the person belongs to first, then by name."""
    belongs = SpaceMembership.objects.filter(space=OuterRef("pk"), user_id=membership.user_id)
    return (
        spaces_for(membership)
        .annotate(is_member=Exists(belongs))
        .order_by("-is_member", "name", "pk")
    )


def space_role_of(user_id: int, space: Space) -> str | None:
    return (
        SpaceMembership.objects.filter(space=space, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )


def space_roles_of(user_id: int, space_ids: list[int]) -> dict[int, str]:
    """The person's role in each of these spaces, in one query (lists show it per line)."""
    return dict(
        SpaceMembership.objects.filter(user_id=user_id, space_id__in=space_ids).values_list(
            "space_id", "role"
        )
    )


@dataclass(frozen=True)
class SpaceAccess:
    """A space, as one person reaches it: their role in it and what they may do."""

    space: Space
    role: str | None
    abilities: SpaceAbilities
    membership: Membership


def access_space(
    membership: Membership | None, space_id: int, *, tenant: Tenant | None = None
) -> SpaceAccess:
    """Load a space for this member, or raise `Space.DoesNotExist`.

    The error is the same for a space that does not exist and one the person may not see, so
    that nobody learns which ids exist (the pages and the API answer 404 for both).
    """
    if membership is None:
        raise Space.DoesNotExist
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        raise Space.DoesNotExist
    role = space_role_of(membership.user_id, space)
    abilities = space_abilities(membership, space, role, tenant=tenant)
    if not abilities.view:
        raise Space.DoesNotExist
    return SpaceAccess(space=space, role=role, abilities=abilities, membership=membership)


def space_members(space: Space) -> QuerySet[SpaceMembership]:
    """The space's members with their person (public schema, reached by the search path)."""
    return (
        SpaceMembership.objects.filter(space=space)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def addable_people(space: Space, tenant: Tenant) -> QuerySet[Membership]:
    """The tenant's active people who are not yet members of the space (for the add form)."""
    taken = list(SpaceMembership.objects.filter(space=space).values_list("user_id", flat=True))
    people = (
        Membership.objects.filter(tenant=tenant, user__is_active=True)
        .exclude(user_id__in=taken)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    if space.visibility != Visibility.PUBLIC_PROJECT:
        people = people.exclude(role=Role.GUEST)  # guests only join projects open to citizens
    return people


def tenant_member(tenant: Tenant, user_id: int) -> Membership | None:
    return Membership.objects.filter(tenant=tenant, user_id=user_id).select_related("user").first()
