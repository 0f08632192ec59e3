from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScimConfig(AppConfig):
    """SCIM 2.0: a collectivité's directory creates, updates and deactivates its people."""

    name = "entente.scim"
    label = "scim"
    verbose_name = _("Provisionnement SCIM")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS

        register_handlers(HANDLERS)
