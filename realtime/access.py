"""Who may open a live connection on a tenant's host: the same answer as the pages'.

`entente.accounts.acting.acting_membership` decides, as it does for the pages
(`TenantMembershipMiddleware`) and the API (`IsTenantMember`), so that a page and its socket
always agree. No support reader here: support access is a read of pages, audited per page,
and opens no live connection.
"""

from __future__ import annotations

from entente.accounts.acting import acting_membership
from entente.accounts.models import Membership, User
from tenants.models import Tenant


def membership_on(user: User, tenant: Tenant) -> Membership | None:
    """The membership the person acts with on this tenant's host, or None: not a member."""
    return acting_membership(user, tenant)
