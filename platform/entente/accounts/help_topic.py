"""Its subject in the help (entente.core.help): the sentence beside its forms, its page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "account",
            "mon-compte",
            _("Mon compte"),
            _(
                "Votre compte est le même dans toutes les collectivités où vous travaillez : une "
                "adresse e-mail, un mot de passe."
            ),
            (
                _(
                    "Pour vous connecter, saisissez l'adresse e-mail de votre compte et votre mot "
                    "de passe. Mot de passe oublié : un lien vous est envoyé par e-mail pour en "
                    "choisir un nouveau."
                ),
                _(
                    "Un bon mot de passe est long : une phrase de quelques mots convient. Vous "
                    "pouvez ajouter une seconde étape de connexion (une application "
                    "d'authentification)."
                ),
                _(
                    "Les jetons d'API servent aux logiciels qui lisent ou écrivent dans Entente à "
                    "votre place ; donnez-leur une date de fin et retirez ceux qui ne servent plus."
                ),
            ),
            order=120,
        )
    )
