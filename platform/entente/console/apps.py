from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "entente.console"
    label = "console"
    verbose_name = _("Console de l'équipe Entente")

    def ready(self) -> None:
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
