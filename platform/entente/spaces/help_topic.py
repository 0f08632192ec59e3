"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "spaces",
            "espaces",
            _("Espaces"),
            _(
                "Un espace réunit les personnes d'un groupe de travail ou d'un projet, avec ses "
                "tâches, ses procédures, ses documents, ses réunions et ses discussions."
            ),
            (
                _(
                    "Créez un espace pour chaque sujet qui dure : la voirie, la rentrée scolaire, "
                    "la rénovation de la salle des fêtes. Donnez-lui un nom que tout le monde "
                    "comprend."
                ),
                _(
                    "Un espace privé n'est vu que de ses membres ; un espace de toute la "
                    "collectivité, de tous ses agents et élus. Un espace intercommunal réunit des "
                    "communes et leur intercommunalité ; un projet ouvert aux citoyens accueille "
                    "des habitants invités."
                ),
                _(
                    "Les membres ont un rôle : lecteur (il lit), commentateur (il lit et commente) "
                    "ou éditeur (il crée et modifie). Un espace archivé reste lisible mais ne "
                    "change plus ; il peut être rouvert."
                ),
            ),
            order=10,
        )
    )
