"""What procedures declare to the discovery score and usage analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import (
    ActivationReason,
    Feature,
    register_activation,
    register_feature,
    register_usage,
)


def register() -> None:
    register_usage("procedure.created", _("Procédure créée"))
    register_usage("checklist.launched", _("Procédure lancée"))
    register_feature(
        Feature(
            "launch_procedure",
            _("Lancer une procédure"),
            15,
            frozenset({"checklist.launched"}),
            "checklists:template_list",
            _("Choisissez une procédure type et lancez-la dans un espace."),
            order=50,
            suggest_on=frozenset({"checklists:template_list", "checklists:checklist_list"}),
        )
    )
    register_activation(
        ActivationReason(
            "procedure",
            _("Une première procédure lancée"),
            frozenset({"checklist.launched"}),
            order=50,
        )
    )
