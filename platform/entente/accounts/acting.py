"""Who acts on which tenant, and how they reach it: the one answer pages, API and sockets read.

`acting_membership(user, tenant)` returns the membership a person acts with on a tenant's
host, or None (not a member: pages answer "vous n'êtes pas membre", the API 403, sockets are
refused). A person reaches a tenant in one of three ways (`ReachedAs`):

- **MEMBER**: their own membership in the tenant, any role;
- **FEDERATED**: on an EPCI's host, staff (not a guest) of a commune whose federation link with
  the EPCI is active get an unsaved stand-in of role guest carrying `federated_via`, the
  communes through which they come (`entente.spaces.permissions.space_abilities` opens to them
  only the federation spaces in those communes' scope that they joined);
- **SUPPORT**: vendor staff during a support access the tenant's admins granted
  (`entente.console.middleware` checked the grant and the MFA session; the caller passes
  `support=True`) get an unsaved stand-in of role agent marked `is_support_reader`, read-only.

Callers read the stand-ins through `reached_as`, `via_communes`, `is_federated` and
`is_support_reader`, never through their attributes.

What it costs: nothing on a warm request. Two per-process caches answer, each evicted by the
changes published through `tenants.routing` (the routing cache's channel):

- `memberships`, (tenant, person) → membership or None, evicted by `entente.accounts.signals`
  after a membership is saved or deleted;
- `federated`, (EPCI, person) → the communes through which they reach it, evicted by
  `note_federation_change` (a link changing state, a membership changing in a commune).

Freshness, the same as tenant routing's: a change takes effect at once in the process that
wrote it and within `tenants.routing.RECHECK_SECONDS` (1 s) in every other process; if the
shared cache (Redis) is unreachable, each process drops these caches at every recheck, which
keeps the 1 s bound. A write that sends no change (`QuerySet.update()` without
`note_membership_change()` / `note_federation_change()`) is seen within `MAX_AGE_SECONDS`.
A cold entry costs one query (membership) and, on an EPCI's host for a non-member, one more
(the active links). A session-stored membership was rejected: another process could not
revoke it.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from tenants import routing
from tenants.models import Tenant, TenantKind

from .models import Membership, Role, User
from .selectors import federated_via, membership_for
from .signals import MEMBERSHIP, membership_key

FEDERATION = "federation"
MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 100_000


class ReachedAs(enum.StrEnum):
    """How a person reaches the tenant they act on."""

    MEMBER = "member"
    FEDERATED = "federated"
    SUPPORT = "support"


def acting_membership(user: User, tenant: Tenant, *, support: bool = False) -> Membership | None:
    """The membership `user` acts with on `tenant`'s host, or None if they do not reach it.

    Their own membership first; else, on an EPCI, the federated stand-in; else, if `support`
    (a running support grant, checked by the caller), the support reader.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    membership = memberships.membership(user, tenant)
    if membership is None:
        membership = federated_membership(user, tenant)
    if membership is None and support:
        membership = support_reader(user, tenant)
    return membership


def reached_as(membership: Membership | None) -> ReachedAs | None:
    """How the holder of `membership` reaches its tenant (None for no membership)."""
    if membership is None:
        return None
    if is_support_reader(membership):
        return ReachedAs.SUPPORT
    if is_federated(membership):
        return ReachedAs.FEDERATED
    return ReachedAs.MEMBER


def via_communes(membership: Membership | None) -> list[Tenant] | None:
    """The communes of a federated stand-in, or None for anyone else."""
    return getattr(membership, "federated_via", None)


def is_federated(membership: Membership | None) -> bool:
    return via_communes(membership) is not None


def is_support_reader(membership: object) -> bool:
    return bool(getattr(membership, "is_support_reader", False))


# -- Stand-ins (never saved) --------------------------------------------------------------------


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


def support_reader(user: User, tenant: Tenant) -> Membership:
    """A stand-in membership, never saved, for vendor staff reading during a support access.

    It reads as an agent does (not private spaces, no admin pages); writes are refused before
    it is ever used (`entente.console.middleware.SupportAccessMiddleware`).
    """
    membership = Membership(user=user, tenant=tenant, role=Role.AGENT)
    membership.is_support_reader = True  # type: ignore[attr-defined]
    return membership


# -- The membership cache -----------------------------------------------------------------------


@dataclass(slots=True)
class _MembershipEntry:
    membership: Membership | None
    loaded_at: float


class MembershipCache:
    """(tenant, person) → membership or None, evicted by published membership changes."""

    def __init__(self) -> None:
        self.entries: dict[str, _MembershipEntry] = {}
        self._epochs = itertools.count(1)
        self.epoch = 0

    def evict(self, keys: frozenset[str] | None) -> None:
        self.epoch = next(self._epochs)
        if keys is None:
            self.entries = {}
            return
        for key in keys:
            self.entries.pop(key, None)

    def membership(self, user: User, tenant: Tenant) -> Membership | None:
        now = routing.refresh_if_due()
        key = membership_key(tenant.pk, user.pk)
        entry = self.entries.get(key)
        if entry is None or now - entry.loaded_at >= MAX_AGE_SECONDS:
            epoch = self.epoch
            entry = _MembershipEntry(membership_for(user, tenant), now)
            if epoch == self.epoch:  # no eviction raced with the query
                self._store(key, entry)
        if entry.membership is None:
            return None
        # A private copy, its person and tenant those of the request (no query to reach them).
        return routing.copy_instance(entry.membership, user=user, tenant=tenant)

    def cached_members(self, tenant_id: int, user_ids: Iterable[int]) -> tuple[set[int], set[int]]:
        """(members, not known to be) among `user_ids`, from the cache alone: never a query.

        For callers that check many people at once (the live hub) and ask the database, in one
        batch, only about the second set (not cached, too old, or cached as not a member).
        """
        now = routing.refresh_if_due()
        entries = self.entries
        members: set[int] = set()
        others: set[int] = set()
        for user_id in user_ids:
            entry = entries.get(membership_key(tenant_id, user_id))
            fresh = entry is not None and now - entry.loaded_at < MAX_AGE_SECONDS
            if fresh and entry is not None and entry.membership is not None:
                members.add(user_id)
            else:
                others.add(user_id)
        return members, others

    def _store(self, key: str, entry: _MembershipEntry) -> None:
        entries = self.entries
        entries.pop(key, None)
        while len(entries) >= MAX_ENTRIES:
            try:
                entries.pop(next(iter(entries)), None)
            except (StopIteration, RuntimeError):  # changed by another thread meanwhile
                break
        entries[key] = entry


# -- The federated cache ------------------------------------------------------------------------


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
class _FederatedEntry:
    via: tuple[Tenant, ...]
    loaded_at: float


class FederatedCache:
    """(EPCI, person) → the communes through which they reach it, evicted by published changes."""

    def __init__(self) -> None:
        self.entries: dict[tuple[int, int], _FederatedEntry] = {}
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
            entry = _FederatedEntry(tuple(federated_via(user, epci)), now)
            if epoch == self.epoch:  # no eviction raced with the query
                if len(self.entries) >= MAX_ENTRIES:
                    self.entries = {}
                self.entries[key] = entry
        return entry.via


memberships = MembershipCache()
routing.register_local_cache(MEMBERSHIP, memberships.evict)
federated = FederatedCache()
routing.register_local_cache(FEDERATION, federated.evict)
