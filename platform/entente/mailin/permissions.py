"""Who may point an e-mail address at a space, and renew an address.

A task arrives where its address leads only if the person may create tasks there: the address
of a space and the default space of a personal address are the spaces one may edit
(`entente.tasks.permissions.abilities_in`). A personal address is renewed by its owner; a
space's address by those who manage the space. The services in `services.py` ask these.
"""

from __future__ import annotations

from entente.accounts.actors import Acting, SystemActor
from entente.spaces.models import Space
from entente.spaces.permissions import abilities_of
from entente.tasks.permissions import abilities_in

from .models import InboundAddress


def may_receive_in(acting: Acting | None, space: Space) -> bool:
    return abilities_in(acting, space).edit


def may_renew(acting: Acting | None, address: InboundAddress) -> bool:
    if isinstance(acting, SystemActor):
        return True
    if acting is None or acting.tenant_id != address.tenant_id:
        return False
    if address.user_id is not None:
        return address.user_id == acting.user_id
    space = Space.objects.filter(pk=address.space_id).first() if address.space_id else None
    return space is not None and abilities_of(acting, space).manage
