"""Who may do what with a federation link: one source of truth for pages, API and services.

A person acts *through a tenant* (the tenant of the host they are on): the same person may be
admin of an EPCI and agent of one of its communes, and what they may do depends on which hat
they wear. The rules:

- only an admin of the EPCI invites (or re-invites after a refusal or an end), and may
  withdraw an invitation still pending;
- only an admin of the commune accepts or refuses;
- an admin of either side may end an active link;
- Entente's support staff, acting from the administration (no tenant), may end a link or
  withdraw an invitation, never consent on a tenant's behalf;
- the staff of both tenants (agents, elected officials, admins; not guests) see the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from entente.accounts.models import Membership, Role, User
from entente.accounts.selectors import membership_for
from tenants.models import FederationLink, FederationState, Tenant, TenantKind


class Action(StrEnum):
    INVITE = "invite"
    ACCEPT = "accept"
    REFUSE = "refuse"
    END = "end"


class Side(StrEnum):
    EPCI = "epci"
    COMMUNE = "commune"
    PLATFORM = "platform"  # Entente's support staff, from the administration


@dataclass(frozen=True)
class Transition:
    sides: frozenset[Side]
    sources: frozenset[str]  # states the link may be in ("" for a link not made yet)
    target: str


# The state machine. END from INVITED is the EPCI (or support) withdrawing its invitation.
TRANSITIONS: dict[Action, tuple[Transition, ...]] = {
    Action.INVITE: (
        Transition(
            frozenset({Side.EPCI}),
            frozenset({"", FederationState.REFUSED, FederationState.ENDED}),
            FederationState.INVITED,
        ),
    ),
    Action.ACCEPT: (
        Transition(
            frozenset({Side.COMMUNE}), frozenset({FederationState.INVITED}), FederationState.ACTIVE
        ),
    ),
    Action.REFUSE: (
        Transition(
            frozenset({Side.COMMUNE}), frozenset({FederationState.INVITED}), FederationState.REFUSED
        ),
    ),
    Action.END: (
        Transition(
            frozenset({Side.EPCI, Side.COMMUNE, Side.PLATFORM}),
            frozenset({FederationState.ACTIVE}),
            FederationState.ENDED,
        ),
        Transition(
            frozenset({Side.EPCI, Side.PLATFORM}),
            frozenset({FederationState.INVITED}),
            FederationState.ENDED,
        ),
    ),
}


@dataclass(frozen=True)
class Acting:
    """A person acting through a tenant (or, for support staff, through none)."""

    user: User
    tenant: Tenant | None
    role: str | None  # their role in `tenant`; None when they are not a member

    @property
    def is_admin(self) -> bool:
        return self.tenant is not None and self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        """Staff of the collectivité: every role but guest."""
        return self.tenant is not None and self.role is not None and self.role != Role.GUEST

    @property
    def is_platform_support(self) -> bool:
        return self.tenant is None and self.user.is_active and self.user.is_staff


def acting_as(user: User, tenant: Tenant | None, membership: Membership | None = None) -> Acting:
    """Who `user` is in `tenant`. Pass the request's membership to save the query."""
    if tenant is None or not user.is_authenticated:
        return Acting(user=user, tenant=tenant, role=None)
    if membership is None or membership.tenant_id != tenant.pk or membership.user_id != user.pk:
        membership = membership_for(user, tenant)
    return Acting(user=user, tenant=tenant, role=membership.role if membership else None)


def side_of(acting: Acting, epci: Tenant, commune: Tenant) -> Side | None:
    """Which party of the pair the person acts for, if any."""
    if acting.tenant is None:
        return Side.PLATFORM if acting.is_platform_support else None
    if acting.tenant.pk == epci.pk:
        return Side.EPCI
    if acting.tenant.pk == commune.pk:
        return Side.COMMUNE
    return None


def transition(side: Side | None, action: Action, state: str) -> Transition | None:
    """The transition `action` makes from `state` ("" for no link yet) for `side`, if valid."""
    for candidate in TRANSITIONS[action]:
        if side in candidate.sides and state in candidate.sources:
            return candidate
    return None


def may_act(acting: Acting, action: Action, epci: Tenant, commune: Tenant) -> bool:
    """The person has the right to take `action` on this pair, whatever its current state."""
    side = side_of(acting, epci, commune)
    if side is None or (side != Side.PLATFORM and not acting.is_admin):
        return False
    return any(side in candidate.sides for candidate in TRANSITIONS[action])


def can_invite(acting: Acting) -> bool:
    """The person may invite communes from this tenant (an EPCI they administer)."""
    return acting.is_admin and acting.tenant is not None and acting.tenant.kind == TenantKind.EPCI


def abilities(acting: Acting, link: FederationLink) -> dict[str, bool]:
    """What the person may do with the link now: `view`, `invite`, `accept`, `refuse`, `end`."""
    epci, commune = link.epci, link.commune
    side = side_of(acting, epci, commune)
    result = {"view": side == Side.PLATFORM or (side is not None and acting.is_staff_role)}
    for action in Action:
        result[action.value] = may_act(acting, action, epci, commune) and (
            transition(side, action, link.state) is not None
        )
    return result
