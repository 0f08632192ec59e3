"""Who invites citizens to a public project, and who removes a guest from the collectivité.

Pages and the API ask these to show or refuse; the services in `services.py` ask them again
before writing, from the acting membership they are given.
"""

from __future__ import annotations

from entente.accounts.actors import is_support_reader
from entente.accounts.models import Membership, Role
from entente.spaces.models import Space
from entente.spaces.permissions import abilities_of


def may_invite(membership: Membership | None, space: Space) -> bool:
    """The project's managers (its editors, the tenant's admins); never a guest."""
    if membership is None or membership.role == Role.GUEST:
        return False
    return abilities_of(membership, space).manage


def may_remove_guests(membership: Membership | None) -> bool:
    """The tenant's administrators (never a support reader)."""
    return (
        membership is not None
        and membership.role == Role.ADMIN
        and not is_support_reader(membership)
    )
