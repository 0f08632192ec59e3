from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    """Federation links between an EPCI and its communes: consent, pages, admin actions.

    The link and event models live in `tenants` (public schema, ground floor); this app holds
    the rules, who may apply them, and the pages.
    """

    name = "entente.federation"
    label = "federation"
    verbose_name = _("Fédération intercommunale")

    def ready(self) -> None:
        from . import access, signals  # noqa: F401  (registers the federated-access cache)

        signals.connect()
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
