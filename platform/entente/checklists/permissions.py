"""Who may read and change procedure templates (tenant-wide, not tied to a space).

Launching a template and completing a checklist's items are decided by the space's abilities
(`checklist_abilities`, from `entente.spaces.permissions.space_abilities`), like every content
of a space. The services in `services.py` ask these functions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from entente.accounts.actors import Acting, SystemActor, is_support_reader
from entente.accounts.models import Role
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, abilities_of


@dataclass(frozen=True)
class TemplateAbilities:
    view: bool = False
    edit: bool = False


def template_abilities(acting: Acting | None) -> TemplateAbilities:
    """Staff read the procedures; agents and admins write them; guests see none; the system
    (demo seeding, fixtures) writes them; support readers only read."""
    if isinstance(acting, SystemActor):
        return TemplateAbilities(view=True, edit=True)
    if acting is None or acting.role == Role.GUEST:
        return TemplateAbilities()
    membership = acting
    writable = membership.tenant.is_writable and not is_support_reader(membership)
    return TemplateAbilities(
        view=True, edit=writable and membership.role in {Role.ADMIN, Role.AGENT}
    )


def checklist_abilities(acting: Acting | None, space: Space) -> SpaceAbilities:
    """What `acting` may do with the checklists of `space` (nothing where the section is closed)."""
    return abilities_of(acting, space, section="checklists")
