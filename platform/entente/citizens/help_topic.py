"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "citizens",
            "citoyens",
            _("Citoyens invités"),
            _(
                "Un projet ouvert aux citoyens peut accueillir des habitants invités par e-mail ; "
                "ils ne voient que ce projet."
            ),
            (
                _(
                    "Saisissez les adresses des personnes à inviter. Chacune reçoit un lien pour "
                    "créer son compte ou se connecter, puis arrive directement dans le projet."
                ),
                _(
                    "Un citoyen invité voit seulement ce que le projet lui montre ; il ne voit ni "
                    "les autres espaces ni l'équipe de la collectivité."
                ),
            ),
            order=80,
        )
    )
