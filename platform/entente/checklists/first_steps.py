"""The procedures' first step for a new collectivité's admins (`entente.core.first_steps`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from entente.core.first_steps import FirstStep, register_first_step

from .models import Checklist


def _done(tenant: Any) -> bool:
    return Checklist.objects.exists()


def register() -> None:
    register_first_step(
        FirstStep(
            "procedure",
            _("Lancez une procédure"),
            _("Une procédure devient une liste à cocher dans un espace : rien n'est oublié."),
            "checklists:template_list",
            _done,
            order=30,
        )
    )
