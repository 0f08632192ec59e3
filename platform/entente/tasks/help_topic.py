"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "tasks",
            "taches",
            _("Tâches"),
            _(
                "Une tâche dit ce qui doit être fait, par qui et pour quand : la personne désignée "
                "est prévenue."
            ),
            (
                _(
                    "Un titre court suffit. Ajoutez si besoin une description, une échéance et la "
                    "personne qui s'en charge ; une pièce jointe garde le document utile avec la "
                    "tâche."
                ),
                _(
                    "Sur le tableau d'un espace, une tâche passe de « À faire » à « En cours », "
                    "puis « Terminée ». Les commentaires gardent l'échange ; écrire @ et un nom "
                    "prévient cette personne."
                ),
                _(
                    "Une tâche peut revenir chaque semaine ou chaque mois : elle se recrée toute "
                    "seule. Les étiquettes (une couleur, un mot) aident à trier. Un e-mail envoyé à"
                    " votre adresse de réception devient aussi une tâche."
                ),
            ),
            order=20,
        )
    )
