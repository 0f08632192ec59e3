"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "mailin",
            "courriel",
            _("Du courriel à la tâche"),
            _(
                "Chaque espace a une adresse de réception, et vous avez la vôtre : un e-mail qui y "
                "est transféré devient une tâche, ses pièces jointes comprises."
            ),
            (
                _(
                    "Copiez l'adresse et transférez-y un e-mail : son objet devient le titre de la "
                    "tâche, son texte la description. L'e-mail doit partir de l'adresse de votre "
                    "compte ; sinon il est refusé."
                ),
            ),
            order=110,
        )
    )
