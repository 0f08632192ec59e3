"""What a person may do in a space: the one decision pages, API and websockets all read.

Like La Suite's `get_abilities`, `space_abilities` returns plain booleans; views hide buttons
with it, API permissions refuse with it, consumers filter with it. Content kinds inside a space
(tasks, checklists, discussions, documents) derive their abilities from the space's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from entente.accounts.models import Membership, Role
from tenants.models import Tenant

from .models import Space, SpaceRole, Visibility


@dataclass(frozen=True)
class SpaceAbilities:
    view: bool = False
    comment: bool = False  # comment, discuss, mention
    edit: bool = False  # create and change content (tasks, checklists, documents…)
    manage: bool = False  # members, settings, archive and restore

    def as_dict(self) -> dict[str, bool]:
        return asdict(self)


NOTHING = SpaceAbilities()
_BY_ROLE = {
    SpaceRole.EDITOR: SpaceAbilities(view=True, comment=True, edit=True, manage=False),
    SpaceRole.COMMENTER: SpaceAbilities(view=True, comment=True),
    SpaceRole.READER: SpaceAbilities(view=True),
}


def space_abilities(
    membership: Membership | None,
    space: Space,
    space_role: str | None,
    *,
    tenant: Tenant | None = None,
) -> SpaceAbilities:
    """Abilities of the person holding `membership` (in the space's tenant) in `space`.

    `space_role` is their SpaceMembership role in that space, or None. Archived spaces and
    read-only tenants (an ended trial) keep reading and lose every write.
    """
    if membership is None:
        return NOTHING
    via = federated_via_ids(membership)
    if via is not None:
        # Staff of a linked commune on the EPCI's host (a stand-in, entente.accounts.acting):
        # the federation spaces open to one of their communes, once they joined; never manage.
        if (
            space_role is None
            or space.visibility != Visibility.FEDERATION
            or not in_federation_scope(space, via)
        ):
            return NOTHING
        granted = _BY_ROLE[SpaceRole(space_role)]
        abilities = SpaceAbilities(view=True, comment=granted.comment, edit=granted.edit)
    elif membership.role == Role.ADMIN:
        abilities = SpaceAbilities(view=True, comment=True, edit=True, manage=True)
    elif space_role is not None:
        abilities = _BY_ROLE[SpaceRole(space_role)]
        if membership.role == Role.GUEST:
            # Citizens take part in public projects at most as commenters.
            if space.visibility != Visibility.PUBLIC_PROJECT:
                return NOTHING
            abilities = SpaceAbilities(view=True, comment=abilities.comment)
        elif space_role == SpaceRole.EDITOR:
            abilities = SpaceAbilities(view=True, comment=True, edit=True, manage=True)
    elif membership.role != Role.GUEST and space.visibility in {
        Visibility.TENANT,
        Visibility.FEDERATION,
        Visibility.PUBLIC_PROJECT,
    }:
        abilities = SpaceAbilities(view=True, comment=True)
    else:
        return NOTHING

    writable = (tenant or membership.tenant).is_writable and space.archived_at is None
    if not writable:
        restore = abilities.manage and (tenant or membership.tenant).is_writable
        return SpaceAbilities(view=abilities.view, manage=restore)
    return abilities


def federated_via_ids(membership: Membership | None) -> frozenset[int] | None:
    """The commune ids of a federated stand-in membership; None for everyone else."""
    via = getattr(membership, "federated_via", None)
    if via is None:
        return None
    return frozenset(commune.pk for commune in via)


def in_federation_scope(space: Space, commune_ids: frozenset[int] | set[int]) -> bool:
    """The space is open to one of these communes (an empty scope: to every linked commune)."""
    scope = space.federation_scope or []
    return not scope or bool(commune_ids.intersection(scope))


def can_create_space(membership: Membership | None, *, tenant: Tenant | None = None) -> bool:
    """The tenant's staff (agents, elected officials, admins) open spaces; guests do not."""
    if membership is None or membership.role == Role.GUEST:
        return False
    return (tenant or membership.tenant).is_writable
