"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "signup",
            "inscription",
            _("Inscrire sa collectivité"),
            _(
                "Une commune ou une intercommunalité s'inscrit elle-même pour un essai gratuit, en "
                "choisissant son nom dans la liste officielle."
            ),
            (
                _(
                    "Tapez le nom de votre collectivité, choisissez-la dans la liste, puis donnez "
                    "votre adresse e-mail professionnelle : un lien de confirmation vous est "
                    "envoyé."
                ),
                _(
                    "Si votre collectivité est déjà inscrite, demandez à la rejoindre : ses "
                    "administrateurs reçoivent votre demande."
                ),
            ),
            order=130,
        )
    )
