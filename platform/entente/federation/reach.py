"""Which tenants a person reaches, and how: one answer for access, "Mon travail", the switcher.

A person reaches a tenant by a membership in it (any role), or, for an EPCI, by being staff
(not a guest) of a member commune whose federation link with that EPCI is active: that is how
intercommunal staff work in the EPCI's federated spaces on its host (ARCHITECTURE.md §3).
Ending the link ends the reach at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from entente.accounts.models import Membership, Role, User
from tenants.models import FederationLink, FederationState, Tenant


@dataclass(frozen=True)
class Reach:
    """One tenant the person reaches: by their own membership, or through a federated commune."""

    tenant: Tenant
    membership: Membership | None  # their own membership in `tenant`, if any
    via: tuple[Tenant, ...] = ()  # member communes through which they reach an EPCI

    @property
    def is_federated_only(self) -> bool:
        return self.membership is None


def federated_via(user: User, epci: Tenant) -> list[Tenant]:
    """The communes, linked to `epci` by an active link, where `user` is staff. One query."""
    commune_ids = Membership.objects.filter(user=user).exclude(role=Role.GUEST).values("tenant_id")
    return [
        link.commune
        for link in FederationLink.objects.filter(
            epci=epci, state=FederationState.ACTIVE, commune_id__in=commune_ids
        )
        .select_related("commune")
        .order_by("commune__name")
    ]


def reachable_tenants(user: User) -> list[Reach]:
    """Every tenant the person reaches, sorted by name: their memberships, then federated EPCIs.

    Two queries whatever the number of tenants (memberships; active links from their communes).
    """
    memberships = list(
        Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name")
    )
    own = {m.tenant_id: m for m in memberships}
    staff_of = [m.tenant_id for m in memberships if m.role != Role.GUEST]
    via: dict[int, list[Tenant]] = {}
    epcis: dict[int, Tenant] = {}
    if staff_of:
        links = FederationLink.objects.filter(
            commune_id__in=staff_of, state=FederationState.ACTIVE
        ).select_related("epci", "commune")
        for link in links.order_by("commune__name"):
            via.setdefault(link.epci_id, []).append(link.commune)
            epcis[link.epci_id] = link.epci
    reaches = [
        Reach(tenant=m.tenant, membership=m, via=tuple(via.get(m.tenant_id, ())))
        for m in memberships
    ]
    reaches += [
        Reach(tenant=epci, membership=None, via=tuple(via[pk]))
        for pk, epci in epcis.items()
        if pk not in own
    ]
    return sorted(reaches, key=lambda reach: reach.tenant.name)
