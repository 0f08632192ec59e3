from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyWorkConfig(AppConfig):
    """A shared app with no table: it reads the tenants' schemas and the public inbox."""

    name = "entente.mywork"
    label = "mywork"
    verbose_name = _("Mon travail")

    def ready(self) -> None:
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
