from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "entente.citizens"
    label = "citizens"
    verbose_name = _("Citoyens invités")

    def ready(self) -> None:
        from entente.spaces.sections import set_guest_section_policy

        from .selectors import open_sections_by_space

        set_guest_section_policy(open_sections_by_space)
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
