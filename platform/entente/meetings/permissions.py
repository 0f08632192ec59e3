"""Who may read and prepare a space's meetings: the space's abilities, section « meetings »."""

from __future__ import annotations

from entente.accounts.actors import Acting
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, abilities_of

SECTION = "meetings"


def meeting_abilities(acting: Acting | None, space: Space) -> SpaceAbilities:
    """Editors prepare (edit), members read (view); nothing where the section is closed."""
    return abilities_of(acting, space, section=SECTION)
