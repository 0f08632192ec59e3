from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "entente.discussions"
    label = "discussions"
    verbose_name = _("Discussions")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers
        from entente.spaces.sections import SpaceSection, register_section

        from .notifications import HANDLERS as NOTIFICATION_HANDLERS
        from .views import space_section_context

        register_section(
            SpaceSection(
                key="discussions",
                title=_("Discussions"),
                template="discussions/_space_section.html",
                context=space_section_context,
                order=30,
            )
        )
        register_handlers(NOTIFICATION_HANDLERS)

        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)

        from entente.search.registry import register_kinds

        from .search import KINDS as SEARCH_KINDS

        register_kinds(SEARCH_KINDS)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
