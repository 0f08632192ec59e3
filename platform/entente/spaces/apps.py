from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "entente.spaces"
    label = "spaces"
    verbose_name = _("Espaces")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS as NOTIFICATION_HANDLERS
        from .sections import SpaceSection, register_section
        from .views import activity_section_context, members_section_context

        register_section(
            SpaceSection(
                key="members",
                title=_("Membres"),
                template="spaces/_section_members.html",
                context=members_section_context,
                order=900,
            )
        )
        register_section(
            SpaceSection(
                key="activity",
                title=_("Activité récente"),
                template="spaces/_section_activity.html",
                context=activity_section_context,
                order=1000,
            )
        )
        register_handlers(NOTIFICATION_HANDLERS)

        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)

        from . import first_steps

        first_steps.register()  # its step on new admins' home (entente.core.first_steps)

        from entente.search.registry import register_kinds

        from .search import KINDS as SEARCH_KINDS

        register_kinds(SEARCH_KINDS)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
