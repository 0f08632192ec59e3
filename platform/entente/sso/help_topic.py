"""Its subject in the help (entente.core.help): the sentence beside the directory's form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "directory",
            "connexion-par-annuaire",
            _("Connexion par l'annuaire"),
            _(
                "Vos agents se connectent avec l'identifiant de leur poste de travail : "
                "collez les métadonnées de votre annuaire SAML, et un bouton s'ajoute à la page "
                "de connexion."
            ),
            (
                _(
                    "Donnez d'abord au service informatique les valeurs « À donner au service "
                    "informatique » : il déclare Entente dans l'annuaire. Il vous donne en retour "
                    "le fichier de métadonnées de l'annuaire, à coller dans le formulaire."
                ),
                _(
                    "Un agent membre de votre seule collectivité est connecté directement. Un "
                    "compte qui sert aussi ailleurs relie d'abord l'annuaire depuis « Mon compte "
                    "› Comptes liés », après une connexion avec son mot de passe. Une personne "
                    "nouvelle confirme son adresse, puis sa demande d'accès vous arrive."
                ),
                _(
                    "Se déconnecter d'Entente déconnecte aussi de l'annuaire : sur un poste "
                    "partagé, la personne suivante devra saisir son propre mot de passe."
                ),
            ),
            order=75,
        )
    )
