"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "privacy",
            "mes-donnees",
            _("Mes données"),
            _(
                "Vous pouvez télécharger toutes vos données, ou effacer votre compte, à tout "
                "moment."
            ),
            (
                _(
                    "L'export rassemble dans un fichier ZIP ce qui vous concerne dans chaque "
                    "collectivité ; un lien vous est envoyé par e-mail quand il est prêt, valable "
                    "quelques jours."
                ),
                _(
                    "Effacer votre compte supprime vos données personnelles ; ce que vous avez "
                    "écrit reste, signé « Ancien membre ». Cet effacement est définitif."
                ),
            ),
            order=140,
        )
    )
