"""Who may read and change procedure templates (tenant-wide, not tied to a space).

Launching a template and completing a checklist's items are decided by the space's abilities
(`entente.spaces.permissions.space_abilities`), like every content of a space.
"""

from __future__ import annotations

from dataclasses import dataclass

from entente.accounts.models import Membership, Role


@dataclass(frozen=True)
class TemplateAbilities:
    view: bool = False
    edit: bool = False


def template_abilities(membership: Membership | None) -> TemplateAbilities:
    """Staff read the procedures; agents and admins write them; guests see none."""
    if membership is None or membership.role == Role.GUEST:
        return TemplateAbilities()
    writable = membership.tenant.is_writable
    return TemplateAbilities(
        view=True, edit=writable and membership.role in {Role.ADMIN, Role.AGENT}
    )
