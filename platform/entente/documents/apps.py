from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "entente.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers
        from entente.spaces.sections import SpaceSection, register_section

        from .notifications import HANDLERS as NOTIFICATION_HANDLERS
        from .views import space_section_context

        register_section(
            SpaceSection(
                key="documents",
                title=_("Documents"),
                template="documents/_space_section.html",
                context=space_section_context,
                order=40,
            )
        )
        register_handlers(NOTIFICATION_HANDLERS)

        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
        if apps.is_installed("entente.search"):
            from entente.search.registry import register_kinds, set_file_text_extractor

            from .search import KINDS, _text

            register_kinds(KINDS)
            set_file_text_extractor(_text)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
