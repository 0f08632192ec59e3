"""Who is offered the guided tour: a collectivité's own staff (agents, élus, admins).

A citizen invited to one project and the staff of a member commune visiting the EPCI see a
few pages only; the tour would show them nothing of their own.
"""

from __future__ import annotations

from entente.accounts.acting import is_support_reader
from entente.accounts.models import Membership, Role


def may_take_tour(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.role != Role.GUEST
        and not is_support_reader(membership)
    )
