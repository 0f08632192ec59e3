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
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers

        from . import signals
        from .notifications import HANDLERS as NOTIFICATION_HANDLERS

        signals.connect()
        register_handlers(NOTIFICATION_HANDLERS)

        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)

        from . import first_steps

        first_steps.register()  # its step on new admins' home (entente.core.first_steps)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
