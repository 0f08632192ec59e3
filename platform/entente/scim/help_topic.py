"""Its subject in the help (entente.core.help): the sentence beside the provisioning page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.help import HelpTopic, register_help_topic


def register() -> None:
    register_help_topic(
        HelpTopic(
            "provisioning",
            "provisionnement",
            _("Provisionnement par l'annuaire"),
            _(
                "Votre annuaire crée et désactive les comptes de vos agents : donnez-lui "
                "l'adresse SCIM et un jeton."
            ),
            (
                _(
                    "Un agent créé par l'annuaire reçoit un e-mail pour choisir son mot de "
                    "passe ; s'il a déjà un compte Entente, il le garde et rejoint l'équipe."
                ),
                _(
                    "Désactivé dans l'annuaire, il perd l'accès à la collectivité ; ce qu'il a "
                    "écrit reste. Réactivé, il le retrouve avec son rôle."
                ),
                _(
                    "Les groupes « Administrateurs », « Agents » et « Élus » de l'annuaire "
                    "donnent les rôles. La collectivité garde toujours un administrateur."
                ),
            ),
            order=76,
        )
    )
