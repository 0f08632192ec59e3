"""Reads of spaces, in the current tenant's schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from entente.accounts.acting import federated_member, is_federated
from entente.accounts.models import Membership, Role, User
from entente.activity.models import ActivityEntry
from tenants.models import Tenant, TenantKind

from .models import Space, SpaceKind, SpaceMembership, Visibility
from .permissions import SpaceAbilities, federated_via_ids, space_abilities
from .sections import section_open


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
    via = federated_via_ids(membership)
    if via is not None:  # staff of a linked commune: the federation spaces they joined, in scope
        return spaces.filter(
            Q(federation_scope__len=0) | Q(federation_scope__overlap=sorted(via)),
            mine,
            visibility=Visibility.FEDERATION,
        ).distinct()
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


CHANGES_SHOWN = 5
FIRST_VISIT_WINDOW = timedelta(days=7)  # a first visit is shown the last week instead


@dataclass(frozen=True)
class Changes:
    since: datetime | None  # the end of the previous visit (None: a first visit)
    count: int
    latest: list[ActivityEntry]


def changes_since_last_visit(membership: Membership) -> Changes:
    """What others did in the spaces the person belongs to since their previous visit
    (`Membership.previous_visit_at`): the home page's « Depuis votre dernière visite ». Staff
    only: a citizen's project shows them its own sections."""
    if membership.pk is None or membership.role == Role.GUEST:
        return Changes(None, 0, [])
    previous = (
        Membership.objects.filter(pk=membership.pk)
        .values_list("previous_visit_at", flat=True)
        .first()
    )
    since = previous or timezone.now() - FIRST_VISIT_WINDOW
    entries = ActivityEntry.objects.filter(
        space__in=SpaceMembership.objects.filter(user_id=membership.user_id).values("space_id"),
        space__archived_at__isnull=True,
        created_at__gt=since,
    ).exclude(actor_id=membership.user_id)
    count = entries.count()
    latest = list(entries.select_related("space", "actor")[:CHANGES_SHOWN]) if count else []
    return Changes(previous, count, latest)


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
    membership: Membership | None,
    space_id: int,
    *,
    tenant: Tenant | None = None,
    section: str | None = None,
) -> SpaceAccess:
    """Load a space for this member, or raise `Space.DoesNotExist`.

    The error is the same for a space that does not exist, one the person may not see, and one
    whose `section` ("tasks", "discussions"…) is closed to them (a citizen in a project whose
    editors did not open it), so that nobody learns which ids exist: pages and the API answer
    404 for all three.
    """
    if membership is None:
        raise Space.DoesNotExist
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        raise Space.DoesNotExist
    return access_loaded_space(membership, space, tenant=tenant, section=section)


def access_loaded_space(
    membership: Membership | None,
    space: Space,
    *,
    tenant: Tenant | None = None,
    section: str | None = None,
) -> SpaceAccess:
    """`access_space` for a space already loaded (through an object in it: a task, a thread)."""
    if membership is None:
        raise Space.DoesNotExist
    role = space_role_of(membership.user_id, space)
    abilities = space_abilities(membership, space, role, tenant=tenant)
    if not abilities.view or (section and not section_open(membership, space.pk, section)):
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


def federated_people(space: Space, tenant: Tenant) -> list[Membership]:
    """Stand-in memberships of the space's members who come through a linked commune.

    Only those who still reach the tenant that way (active link, staff of the commune) and have
    no membership of their own in it. Three queries, whatever the number of people.
    """
    from tenants.models import FederationLink, FederationState

    candidates = set(
        SpaceMembership.objects.filter(space=space, via_tenant_id__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    if not candidates:
        return []
    candidates -= set(
        Membership.objects.filter(tenant=tenant, user_id__in=candidates).values_list(
            "user_id", flat=True
        )
    )
    linked = FederationLink.objects.filter(epci=tenant, state=FederationState.ACTIVE).values(
        "commune_id"
    )
    via: dict[int, list[Tenant]] = {}
    users = {}
    for commune_membership in (
        Membership.objects.filter(
            user_id__in=candidates, tenant_id__in=linked, user__is_active=True
        )
        .exclude(role=Role.GUEST)
        .select_related("user", "tenant")
        .order_by("tenant__name")
    ):
        via.setdefault(commune_membership.user_id, []).append(commune_membership.tenant)
        users[commune_membership.user_id] = commune_membership.user
    return [federated_member(users[pk], tenant, via=communes) for pk, communes in via.items()]


def space_people(space: Space, tenant: Tenant) -> list[Membership]:
    """Everyone who may take part in `space`: the tenant's active members, and the people of
    linked communes who joined it (stand-ins). Callers filter with `space_abilities`."""
    own = list(
        Membership.objects.filter(tenant=tenant, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    for membership in own:
        membership.tenant = tenant
    if space.visibility != Visibility.FEDERATION:
        return own
    people = own + federated_people(space, tenant)
    return sorted(people, key=lambda m: (m.user.full_name.lower(), m.user.email))


def federated_commune_names(user_ids: list[int] | set[int] | None = None) -> dict[int, str]:
    """Person id → name of the commune through which they are in this tenant's spaces.

    Read from `SpaceMembership.via_tenant_id` in the current schema (two queries); people who
    came through several communes show the first by name.
    """
    if getattr(getattr(connection, "tenant", None), "kind", None) != TenantKind.EPCI:
        return {}  # only an EPCI's spaces have people from other communes
    rows = SpaceMembership.objects.filter(via_tenant_id__isnull=False)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    pairs = set(rows.values_list("user_id", "via_tenant_id"))
    if not pairs:
        return {}
    names = dict(
        Tenant.objects.filter(pk__in={via for _user, via in pairs}).values_list("pk", "name")
    )
    found: dict[int, str] = {}
    for user_id, via in sorted(pairs, key=lambda pair: names.get(pair[1], "")):
        found.setdefault(user_id, names.get(via, ""))
    return found


def via_names(tenant_ids: set[int]) -> dict[int, str]:
    """Commune id → name (one query)."""
    return dict(Tenant.objects.filter(pk__in=tenant_ids).values_list("pk", "name"))


def name_with_commune(user: User, communes: dict[int, str]) -> str:
    """« Prénom Nom (Commune) » for people there through a commune, « Prénom Nom » otherwise."""
    commune = communes.get(user.pk)
    return f"{user.display_name} ({commune})" if commune else user.display_name


def intercommunal_directories(membership: Membership, tenant: Tenant) -> list[tuple[str, str]]:
    """(EPCI name, URL of its directory of federation spaces) for the tenant's home page.

    On a commune: the EPCIs it is actively linked to, for its staff. On an EPCI: its own
    directory, for its staff and for staff of its communes (stand-ins). One query at most.
    """
    from django.urls import reverse

    from entente.core.links import absolute_url
    from tenants.models import FederationLink, FederationState

    path = reverse("federation:directory")
    if tenant.kind == TenantKind.EPCI:
        if membership.role == Role.GUEST and not is_federated(membership):
            return []
        return [(tenant.name, path)]
    if membership.role == Role.GUEST:
        return []
    links = (
        FederationLink.objects.filter(commune=tenant, state=FederationState.ACTIVE)
        .select_related("epci")
        .order_by("epci__name")
    )
    return [(link.epci.name, absolute_url(link.epci.primary_host, path)) for link in links]


def team_members() -> list[tuple[str, set[int]]]:
    """The collectivité's services (its team spaces, not archived) and who is in each, in the
    current tenant's schema: the adoption page's breakdown « par service »."""
    teams: dict[int, tuple[str, set[int]]] = {
        pk: (name, set())
        for pk, name in Space.objects.filter(kind=SpaceKind.TEAM, archived_at=None)
        .order_by("name")
        .values_list("pk", "name")
    }
    for space_id, user_id in SpaceMembership.objects.filter(
        space_id__in=list(teams), via_tenant_id=None
    ).values_list("space_id", "user_id"):
        teams[space_id][1].add(user_id)
    return list(teams.values())
