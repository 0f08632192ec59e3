from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Sign-in through an identity provider (ProConnect, a collectivité's SAML directory):
    allauth's socialaccount, our rules."""

    name = "entente.sso"
    label = "sso"
    verbose_name = _("Connexion par un fournisseur d'identité")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS

        register_handlers(HANDLERS)

        from allauth.account.signals import email_confirmed

        email_confirmed.connect(_asks_to_join, dispatch_uid="sso-saml-join")

        from tenants.signals import tenant_exporting, tenant_restored

        from .saml import export_connection, restore_connection

        tenant_exporting.connect(export_connection, dispatch_uid="sso-saml-export")
        tenant_restored.connect(restore_connection, dispatch_uid="sso-saml-restore")


def _asks_to_join(sender: object, request: object, email_address: object, **kwargs: object) -> None:
    from .saml import ask_to_join_once_confirmed

    ask_to_join_once_confirmed(email_address.user)  # type: ignore[attr-defined]
