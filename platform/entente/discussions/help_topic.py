"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "discussions",
            "discussions",
            _("Discussions"),
            _(
                "Une discussion rassemble les échanges d'un espace sur un sujet, à la place des "
                "e-mails qui se croisent."
            ),
            (
                _(
                    "Ouvrez une discussion avec un titre qui dit son sujet, puis écrivez votre "
                    "message. Les membres de l'espace la voient et peuvent répondre."
                ),
                _(
                    "Écrire @ et un nom prévient cette personne. Vous pouvez corriger votre message"
                    " après coup ; la correction est signalée."
                ),
            ),
            order=60,
        )
    )
