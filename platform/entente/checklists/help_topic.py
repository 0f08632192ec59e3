"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "procedures",
            "procedures",
            _("Procédures"),
            _(
                "Une procédure est une liste d'étapes à cocher pour une démarche qui revient, afin "
                "que rien ne soit oublié."
            ),
            (
                _(
                    "Écrivez une fois les étapes d'une démarche (un conseil municipal, un permis de"
                    " construire, une élection), avec pour chacune un délai avant l'échéance si "
                    "besoin."
                ),
                _(
                    "« Lancer » une procédure crée sa liste dans un espace, pour une date : chaque "
                    "étape reçoit son échéance et peut être confiée à quelqu'un."
                ),
                _(
                    "Les procédures courantes sont proposées toutes prêtes ; vous pouvez les "
                    "modifier pour qu'elles ressemblent à votre façon de faire."
                ),
            ),
            order=30,
        )
    )
