"""Federated access: staff of a linked commune on the EPCI's host, without a membership there.

`TenantMembershipMiddleware` (and the API's `IsTenantMember`) admit only members of the host's
tenant. On an EPCI's host, a person with no membership there who is staff (not a guest) of a
commune whose link with the EPCI is active gets instead an unsaved stand-in membership
(`federated_member`), never saved, of role guest (so every tenant-wide page treats them as the
least trusted member), carrying `federated_via`: the communes through which they come.
`entente.spaces.permissions.space_abilities` and `spaces_for` then open to them only the
federation spaces whose scope includes one of those communes, and only those they joined.

The answer is cached per process like memberships, with the same freshness: a link that
changes state (`services._record`) or a membership that changes (`signals`) publishes a change
of kind `FEDERATION` through `tenants.routing`, so ending a link takes effect at once in the
writer's process and within `tenants.routing.RECHECK_SECONDS` (1 s) in every other one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from entente.accounts.models import Membership, Role, User
from tenants import routing
from tenants.models import Tenant, TenantKind

from .reach import federated_via

FEDERATION = "federation"
MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 100_000


def epci_key(epci_id: object) -> str:
    return f"epci:{epci_id}"


def user_key(user_id: object) -> str:
    return f"user:{user_id}"


def note_federation_change(
    *, epci_ids: Iterable[object] = (), user_ids: Iterable[object] = ()
) -> None:
    """Forget the federated access of these EPCIs / people, here now, elsewhere within 1 s."""
    keys = [epci_key(pk) for pk in epci_ids] + [user_key(pk) for pk in user_ids]
    if keys:
        routing.note_change({FEDERATION: keys})


@dataclass(slots=True)
class _Entry:
    via: tuple[Tenant, ...]
    loaded_at: float


class FederatedCache:
    """(EPCI, person) → the communes through which they reach it, evicted by published changes."""

    def __init__(self) -> None:
        self.entries: dict[tuple[int, int], _Entry] = {}
        self._epochs = itertools.count(1)
        self.epoch = 0

    def evict(self, keys: frozenset[str] | None) -> None:
        self.epoch = next(self._epochs)
        if keys is None:
            self.entries = {}
            return
        epcis = {int(key[5:]) for key in keys if key.startswith("epci:")}
        users = {int(key[5:]) for key in keys if key.startswith("user:")}
        self.entries = {
            pair: entry
            for pair, entry in list(self.entries.items())
            if pair[0] not in epcis and pair[1] not in users
        }

    def via(self, user: User, epci: Tenant) -> tuple[Tenant, ...]:
        now = routing.refresh_if_due()
        key = (epci.pk, user.pk)
        entry = self.entries.get(key)
        if entry is None or now - entry.loaded_at >= MAX_AGE_SECONDS:
            epoch = self.epoch
            entry = _Entry(tuple(federated_via(user, epci)), now)
            if epoch == self.epoch:  # no eviction raced with the query
                if len(self.entries) >= MAX_ENTRIES:
                    self.entries = {}
                self.entries[key] = entry
        return entry.via


federated = FederatedCache()
routing.register_local_cache(FEDERATION, federated.evict)


def federated_member(user: User, epci: Tenant, *, via: Iterable[Tenant]) -> Membership:
    """A stand-in membership, never saved, for staff of linked communes on the EPCI's host.

    Role guest: pages outside spaces (procedures, administration, federation) treat it as the
    least trusted member. `federated_via` (the communes) is what `space_abilities` reads.
    """
    membership = Membership(user=user, tenant=epci, role=Role.GUEST)
    membership.federated_via = list(via)  # type: ignore[attr-defined]
    return membership


def federated_membership(user: User, tenant: Tenant) -> Membership | None:
    """The stand-in for `user` on `tenant`'s host if they reach it through a commune, else None.

    Call it only when the person has no membership of their own in `tenant`.
    """
    if tenant.kind != TenantKind.EPCI or not user.is_authenticated or not user.is_active:
        return None
    via = federated.via(user, tenant)
    if not via:
        return None
    return federated_member(user, tenant, via=via)


def via_communes(membership: Membership | None) -> list[Tenant] | None:
    """The communes of a federated stand-in, or None for anyone else."""
    return getattr(membership, "federated_via", None)


def is_federated(membership: Membership | None) -> bool:
    return via_communes(membership) is not None
