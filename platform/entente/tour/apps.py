from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourConfig(AppConfig):
    name = "entente.tour"
    label = "tour"
    verbose_name = _("Visite guidée")

    def ready(self) -> None:
        from . import navigation

        navigation.register()  # « Visite guidée » in the account menu (entente.core.navigation)
