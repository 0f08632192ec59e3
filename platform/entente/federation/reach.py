"""Which tenants a person reaches, and how: one answer for "Mon travail" and the switcher.

A person reaches a tenant by a membership in it (any role), or, for an EPCI, by being staff
(not a guest) of a member commune whose federation link with that EPCI is active: that is how
intercommunal staff work in the EPCI's federated spaces on its host (ARCHITECTURE.md §3).
Ending the link ends the reach at once.

The per-request question, "with which membership does this person act on this host", is
`entente.accounts.acting.acting_membership`'s; both read federated reach through the same
query (`entente.accounts.selectors.active_links_from`).
"""

from __future__ import annotations

from dataclasses import dataclass

from entente.accounts.models import Membership, Role, User
from entente.accounts.selectors import active_links_from
from tenants.models import Tenant


@dataclass(frozen=True)
class Reach:
    """One tenant the person reaches: by their own membership, or through a federated commune."""

    tenant: Tenant
    membership: Membership | None  # their own membership in `tenant`, if any
    via: tuple[Tenant, ...] = ()  # member communes through which they reach an EPCI

    @property
    def is_federated_only(self) -> bool:
        return self.membership is None


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
        for link in active_links_from(staff_of):
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
