"""Who may open a live connection on a tenant's host: the same answer as the pages'.

`entente.accounts.middleware.TenantMembershipMiddleware` decides with the per-process
membership cache (revocations seen within a second), then, on an EPCI's host, the federated
stand-in of `entente.federation.access` (staff of a linked commune); this module asks the same
two, so that a page and its socket always agree.
"""

from __future__ import annotations

from entente.accounts.middleware import memberships
from entente.accounts.models import Membership, User
from entente.federation.access import federated_membership
from tenants.models import Tenant


def membership_on(user: User, tenant: Tenant) -> Membership | None:
    """The membership the person acts with on this tenant's host, or None: not a member."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = memberships.membership(user, tenant)
    if membership is None:
        membership = federated_membership(user, tenant)
    return membership
