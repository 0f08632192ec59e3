"""Who the tests act as when they call write services directly.

`member` is a person's real membership: the services then decide as they do for a request,
which is what tests of permissions need. `seeding` is the named system actor for the data a
test starts from, attributed to a person, so that setting the scene does not depend on who may
do what.
"""

from __future__ import annotations

from entente.accounts.actors import FIXTURES, SystemActor
from entente.accounts.models import Membership, User
from tenants.models import Tenant


def member(user: User, tenant: Tenant) -> Membership:
    return Membership.objects.select_related("user", "tenant").get(user=user, tenant=tenant)


def seeding(user: User | None = None) -> SystemActor:
    return FIXTURES.on_behalf_of(user)
