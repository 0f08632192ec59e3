from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "entente.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.core.events import subscribe
        from entente.federation.signals import federation_link_changed

        from .subscribers import on_event, on_federation_link_changed

        subscribe(on_event)
        federation_link_changed.connect(
            on_federation_link_changed, dispatch_uid="notifications.federation"
        )
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
