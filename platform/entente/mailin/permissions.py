"""Who may receive tasks by e-mail, point an address at a space, and renew an address.

`may_use_inbound_mail` is the one rule the addresses page and the menus read. A task arrives
where its address leads only if the person may create tasks there: the address of a space and
the default space of a personal address are the spaces one may edit
(`entente.tasks.permissions.abilities_in`). A personal address is renewed by its owner; a
space's address by those who manage the space. The services in `services.py` ask these.
"""

from __future__ import annotations

from entente.accounts.acting import is_federated, is_support_reader
from entente.accounts.actors import Acting, SystemActor
from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import abilities_of
from entente.tasks.permissions import abilities_in

from .models import InboundAddress


def may_use_inbound_mail(membership: Membership | None) -> bool:
    """The tenant's own staff. Guests create no task; a federated stand-in has no address in
    the EPCI (its mail is refused there: not a member); a support reader only reads, and the
    page makes the person's address on first visit."""
    if membership is None or not membership.is_staff_role:
        return False
    return not is_support_reader(membership) and not is_federated(membership)


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
