"""The demo's procedures (called by `seed_demo`): the starter set of `starter.py`."""

from __future__ import annotations

from entente.accounts.actors import DEMO
from entente.accounts.models import User

from .models import ProcedureTemplate
from .starter import install_starter_templates


def seed_procedure_templates(created_by: User | None) -> list[ProcedureTemplate]:
    """Create the procedures in the current tenant unless a template of the same name exists."""
    return install_starter_templates(DEMO.on_behalf_of(created_by))
