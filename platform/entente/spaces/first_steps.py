"""The spaces' first step for a new collectivité's admins (`entente.core.first_steps`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from entente.core.first_steps import FirstStep, register_first_step

from .models import Space


def _done(tenant: Any) -> bool:
    return Space.objects.exists()


def register() -> None:
    register_first_step(
        FirstStep(
            "space",
            _("Créez un premier espace"),
            _("Un espace réunit les tâches, les documents et les réunions d'un sujet."),
            "spaces:create",
            _done,
            order=20,
        )
    )
