import logging

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

        from tenants.signals import spare_claimed

        spare_claimed.connect(_refill_in_the_background, dispatch_uid="signup-refill-spares")


def _refill_in_the_background(**kwargs: object) -> None:
    """A spare became a tenant: the worker makes the next one (a broker down only delays it:
    beat's refill runs every minute)."""
    from .tasks import refill_spare_schemas

    try:
        refill_spare_schemas.delay()
    except Exception:  # the sign-up is done; beat's refill comes within a minute
        logging.getLogger(__name__).warning("Could not ask for a new spare schema", exc_info=True)
