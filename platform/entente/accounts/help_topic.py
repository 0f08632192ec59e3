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
                    "d'authentification ou une clé de sécurité)."
                ),
                _(
                    "Les jetons d'API servent aux logiciels qui lisent ou écrivent dans Entente à "
                    "votre place ; donnez-leur une date de fin et retirez ceux qui ne servent plus."
                ),
            ),
            order=120,
        )
    )
    register_help_topic(
        HelpTopic(
            "two_factor",
            "double-authentification",
            _("Double authentification"),
            _(
                "Après le mot de passe, un second moyen prouve que c'est bien vous : un code de "
                "votre téléphone ou une clé de sécurité."
            ),
            (
                _(
                    "Avec une application d'authentification (FreeOTP, Aegis, Google "
                    "Authenticator…), scannez le QR code affiché par Entente, puis saisissez le "
                    "code à six chiffres qu'elle montre. À chaque connexion, elle vous donne un "
                    "nouveau code."
                ),
                _(
                    "Avec une clé de sécurité (USB, NFC ou le lecteur d'empreinte de votre "
                    "ordinateur), donnez-lui un nom et touchez-la quand le navigateur le demande."
                ),
                _(
                    "Notez les codes de secours que vous donne Entente et gardez-les hors de "
                    "l'ordinateur : chacun ouvre la porte une fois si vous perdez votre second "
                    "moyen."
                ),
                _(
                    "Une collectivité peut l'exiger de ses administrateurs ou de toute son équipe "
                    "(page Équipe, « Sécurité »). Tant que vous n'avez pas activé de second moyen, "
                    "ses pages vous conduisent à la page qui explique comment ; vous ne pouvez pas "
                    "retirer votre dernier second moyen tant qu'elle l'exige."
                ),
            ),
            order=125,
        )
    )
