from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignupConfig(AppConfig):
    """Self-registration for a free trial, and requests to join a collectivité already here.

    Public schema: sign-ups and join requests exist before, or beside, any tenant.
    """

    name = "entente.signup"
    label = "signup"
    verbose_name = _("Inscriptions")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.notifications.registry import register_handlers

        from .notifications import HANDLERS

        register_handlers(HANDLERS)

        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
