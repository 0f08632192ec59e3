"""The federation's first step for a new collectivité's admins (`entente.core.first_steps`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entente.core.first_steps import FirstStep, register_first_step
from tenants.models import FederationLink, FederationState


def _done(tenant: Any) -> bool:
    """A link asked for or working, whichever side the tenant is on."""
    return (
        FederationLink.objects.filter(Q(epci=tenant) | Q(commune=tenant))
        .filter(state__in=[FederationState.INVITED, FederationState.ACTIVE])
        .exists()
    )


def register() -> None:
    register_first_step(
        FirstStep(
            "federation",
            _("Reliez-vous à votre intercommunalité"),
            _("Le lien entre la commune et l'EPCI ouvre leurs espaces partagés."),
            "federation:home",
            _done,
            order=40,
        )
    )
