"""Who may open a live connection on a tenant's host: the same answer as the pages'.

`entente.accounts.acting.acting_membership` decides, as it does for the pages
(`TenantMembershipMiddleware`) and the API (`IsTenantMember`), so that a page and its socket
always agree. No support reader here: support access is a read of pages, audited per page,
and opens no live connection. Nor someone the collectivité's two-factor policy stops
(`entente.accounts.mfa`): their pages send them to set one up, their socket is refused.
"""

from __future__ import annotations

from entente.accounts.acting import acting_membership
from entente.accounts.mfa import lacks_required_factor
from entente.accounts.models import Membership, User
from tenants.models import Tenant


def membership_on(user: User, tenant: Tenant) -> Membership | None:
    """The membership the person acts with on this tenant's host, or None: not a member, or
    one its two-factor policy stops until they have a second factor."""
    membership = acting_membership(user, tenant)
    if lacks_required_factor(tenant, membership):
        return None
    return membership
