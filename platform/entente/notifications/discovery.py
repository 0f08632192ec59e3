"""What notifications declare to the discovery score (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import Feature, register_feature, register_usage


def register() -> None:
    register_usage("preferences.set", _("Préférences de notification réglées"), activity=False)
    register_feature(
        Feature(
            "preferences",
            _("Régler ses notifications"),
            10,
            frozenset({"preferences.set"}),
            "notifications:preferences",
            _("Choisissez ce qui vous est envoyé, et quand."),
            order=110,
            suggest_on=frozenset({"notifications:list"}),
        )
    )
