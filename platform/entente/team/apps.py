from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "entente.team"
    label = "team"
    verbose_name = _("Équipe de la collectivité")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS as NOTIFICATION_HANDLERS

        register_handlers(NOTIFICATION_HANDLERS)

        from . import navigation

        navigation.register()  # its entry in the menus (entente.core.navigation)

        from . import first_steps

        first_steps.register()  # its step on new admins' home (entente.core.first_steps)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
