"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "team",
            "equipe",
            _("Équipe"),
            _(
                "Invitez vos collègues par leur adresse e-mail : chacun reçoit un lien pour "
                "rejoindre la collectivité avec le rôle choisi."
            ),
            (
                _(
                    "Saisissez une ou plusieurs adresses, choisissez un rôle (agent, élu ou "
                    "administrateur) et, si vous voulez, un mot d'accueil. Le lien reçu est valable"
                    " deux semaines et ne sert qu'une fois."
                ),
                _(
                    "Les administrateurs changent le rôle d'un collègue ou le retirent de la "
                    "collectivité ; il reste toujours au moins un administrateur."
                ),
            ),
            order=70,
        )
    )
