"""Which tenants a person reaches, and how: one answer for "Mon travail" and the switcher.

A person reaches a tenant by a membership in it (any role), or, for an EPCI, by being staff
(not a guest) of a member commune whose federation link with that EPCI is active: that is how
intercommunal staff work in the EPCI's federated spaces on its host (ARCHITECTURE.md §3).
Ending the link ends the reach at once.

The per-request question, "with which membership does this person act on this host", is
`entente.accounts.acting.acting_membership`'s; both read federated reach through the same
query (`entente.accounts.selectors.active_links_from`).

What it costs: nothing on a warm request. Every page's header (the switcher) asks, and the two
queries, with their tenants built as model instances, were about a fifth of a page's time. A
per-process cache answers (`ReachCache`), evicted by the changes the acting gate's caches hear
(`entente.accounts.acting`): a membership saved or deleted (its person's entry), a federation
link changing state (every entry: links change rarely, and a new link's reach belongs to people
who had no entry naming the EPCI), a person's membership in a commune (their entry), a tenant
saved (the entries naming it: its name, its state). Freshness is the gate's: at once in the
process that wrote, within `tenants.routing.RECHECK_SECONDS` (1 s) elsewhere, and
`MAX_AGE_SECONDS` for a write that publishes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from entente.accounts.acting import FEDERATION, MAX_AGE_SECONDS
from entente.accounts.models import Membership, Role, User
from entente.accounts.selectors import active_links_from
from entente.accounts.signals import MEMBERSHIP
from tenants import routing
from tenants.models import Tenant

MAX_ENTRIES = 100_000


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

    From this process's cache (`ReachCache`); cold, two queries whatever the number of tenants.
    The instances are the caller's own copies.
    """
    return [_copy_reach(reach, user) for reach in reaches.of(user)]


def load_reachable_tenants(user: User) -> list[Reach]:
    """The same, read from the database: two queries (memberships; active links from their
    communes)."""
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


# -- The cache ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ReachEntry:
    reaches: tuple[Reach, ...]
    tenant_ids: frozenset[int]
    loaded_at: float


class ReachCache:
    """person → the tenants they reach, evicted by the changes published through
    `tenants.routing` (module docstring)."""

    def __init__(self) -> None:
        self.entries: dict[int, _ReachEntry] = {}
        self._epochs = itertools.count(1)
        self.epoch = 0

    def of(self, user: User) -> tuple[Reach, ...]:
        now = routing.refresh_if_due()
        entry = self.entries.get(user.pk)
        if entry is None or now - entry.loaded_at >= MAX_AGE_SECONDS:
            epoch = self.epoch
            found = tuple(load_reachable_tenants(user))
            entry = _ReachEntry(found, frozenset(reach.tenant.pk for reach in found), now)
            if epoch == self.epoch:  # no eviction raced with the queries
                if len(self.entries) >= MAX_ENTRIES:
                    self.entries = {}
                self.entries[user.pk] = entry
        return entry.reaches

    def _forget(self, keep: Callable[[int, _ReachEntry], bool] | None) -> None:
        self.epoch = next(self._epochs)
        if keep is None:
            self.entries = {}
        else:
            self.entries = {
                pk: entry for pk, entry in list(self.entries.items()) if keep(pk, entry)
            }

    def clear(self) -> None:
        self._forget(None)

    def evict_memberships(self, keys: frozenset[str] | None) -> None:
        """Keys `tenant:person` (`entente.accounts.signals.membership_key`)."""
        if keys is None:
            return self._forget(None)
        people = {int(key.rsplit(":", 1)[1]) for key in keys}
        return self._forget(lambda pk, entry: pk not in people)

    def evict_federation(self, keys: frozenset[str] | None) -> None:
        """Keys `user:<id>` (their entry) or `epci:<id>` (everything)."""
        if keys is None or any(key.startswith("epci:") for key in keys):
            return self._forget(None)
        people = {int(key[5:]) for key in keys if key.startswith("user:")}
        return self._forget(lambda pk, entry: pk not in people)

    def evict_tenants(self, keys: frozenset[str] | None) -> None:
        """Keys are tenant ids: the entries that name one of them."""
        if keys is None:
            return self._forget(None)
        tenant_ids = {int(key) for key in keys}
        return self._forget(lambda pk, entry: tenant_ids.isdisjoint(entry.tenant_ids))


def _copy_reach(reach: Reach, user: User) -> Reach:
    copy = routing.copy_instance
    tenant = copy(reach.tenant)
    membership = reach.membership
    return Reach(
        tenant=tenant,
        membership=copy(membership, user=user, tenant=tenant) if membership else None,
        via=tuple(copy(commune) for commune in reach.via),
    )


reaches = ReachCache()
routing.register_local_cache(MEMBERSHIP, reaches.evict_memberships)
routing.register_local_cache(FEDERATION, reaches.evict_federation)
routing.register_local_cache(routing.TENANT, reaches.evict_tenants)
