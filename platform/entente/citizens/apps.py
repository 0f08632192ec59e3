from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "entente.citizens"
    label = "citizens"
    verbose_name = _("Citoyens invités")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers
        from entente.spaces.sections import set_guest_section_policy

        from .notifications import HANDLERS as NOTIFICATION_HANDLERS
        from .selectors import open_sections_by_space

        set_guest_section_policy(open_sections_by_space)
        register_handlers(NOTIFICATION_HANDLERS)

        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
