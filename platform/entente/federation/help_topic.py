"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "federation",
            "intercommunalite",
            _("Intercommunalité"),
            _(
                "Une commune et son intercommunalité se relient pour partager des espaces "
                "intercommunaux, chacune gardant ses propres données."
            ),
            (
                _(
                    "L'intercommunalité invite ses communes membres, ou une commune demande le "
                    "lien. Une fois le lien accepté, les agents de la commune peuvent demander à "
                    "rejoindre les espaces intercommunaux."
                ),
                _(
                    "Mettre fin à un lien retire l'accès aux espaces partagés ; ce qui a été écrit "
                    "reste dans l'espace de l'intercommunalité."
                ),
            ),
            order=90,
        )
    )
