from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "entente.analytics"
    label = "analytics"
    verbose_name = _("Usage et découverte")

    def ready(self) -> None:
        from entente.core.events import subscribe

        from . import navigation
        from .capture import on_event

        subscribe(on_event)  # retried: the outbox delivers after commit, off the request path
        navigation.register()
