"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "notifications",
            "notifications",
            _("Notifications"),
            _(
                "Choisissez ce qui vous est signalé dans Entente et ce qui vous est aussi envoyé "
                "par e-mail, tout de suite ou en résumé."
            ),
            (
                _(
                    "La cloche, en haut de chaque page, compte ce qui vous concerne et que vous "
                    "n'avez pas encore lu : une tâche confiée, une mention, une réunion."
                ),
                _(
                    "Pour chaque sorte de notification, choisissez : dans l'application seulement, "
                    "par e-mail tout de suite, dans un résumé quotidien ou hebdomadaire, ou jamais."
                ),
            ),
            order=100,
        )
    )
