from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "entente.trials"
    label = "trials"
    verbose_name = _("Essais")

    def ready(self) -> None:
        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS

        register_handlers(HANDLERS)
