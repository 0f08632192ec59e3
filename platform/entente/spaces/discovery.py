"""What spaces declare to the discovery score and usage analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import ActivationReason, register_activation, register_usage


def register() -> None:
    register_usage("space.created", _("Espace créé"))
    register_usage("space.member_added", _("Membre ajouté à un espace"))
    register_activation(
        ActivationReason("space", _("Un espace créé"), frozenset({"space.created"}), order=30)
    )
