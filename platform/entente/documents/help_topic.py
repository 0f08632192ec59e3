"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "documents",
            "documents",
            _("Documents"),
            _(
                "Les documents sont rangés par dossiers, dans leur espace ; chaque nouvelle version"
                " garde les précédentes."
            ),
            (
                _(
                    "Déposez un fichier dans un dossier : il est visible des personnes qui ont "
                    "accès à ce dossier. Pour le mettre à jour, déposez une nouvelle version plutôt"
                    " qu'un second fichier : l'historique reste, et chacun voit la dernière."
                ),
                _(
                    "Les droits d'un dossier (qui lit, qui dépose) se règlent par ses responsables."
                    " Une version ancienne peut être restaurée : elle devient la dernière."
                ),
                _(
                    "Un fichier trop gros ou d'un type refusé n'est pas enregistré, et la page dit "
                    "pourquoi."
                ),
            ),
            order=50,
        )
    )
