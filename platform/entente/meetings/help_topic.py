"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "meetings",
            "reunions",
            _("Réunions et calendrier"),
            _(
                "Une réunion a une date, un lieu, un ordre du jour ; on y note les présents, le "
                "compte rendu et les décisions."
            ),
            (
                _(
                    "Créez la réunion dans l'espace concerné, puis ajoutez les points de l'ordre du"
                    " jour : les membres la voient dans leur calendrier et peuvent la recevoir dans"
                    " l'agenda de leur téléphone."
                ),
                _(
                    "Pendant ou après la réunion, notez les présents, le compte rendu de chaque "
                    "point et les décisions prises. Une décision peut devenir une tâche."
                ),
                _(
                    "Le compte rendu est soumis puis approuvé ; il se télécharge alors en PDF. Les "
                    "élus retrouvent leurs séances dans « Mes séances », par un lien reçu par "
                    "e-mail, sans mot de passe."
                ),
            ),
            order=40,
        )
    )
