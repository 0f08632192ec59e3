from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "entente.checklists"
    label = "checklists"
    verbose_name = _("Procédures et listes de contrôle")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.spaces.sections import SpaceSection, register_section

        from .views import space_section_context

        register_section(
            SpaceSection(
                key="checklists",
                title=_("Procédures"),
                template="checklists/_space_section.html",
                context=space_section_context,
                order=20,
            )
        )
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)

        from . import first_steps

        first_steps.register()  # its step on new admins' home (entente.core.first_steps)

        from entente.search.registry import register_kinds

        from .search import KINDS as SEARCH_KINDS

        register_kinds(SEARCH_KINDS)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
