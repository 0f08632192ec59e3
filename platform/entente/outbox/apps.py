from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """The transactional outbox of `entente.core.events` (public schema, ARCHITECTURE.md §4)."""

    name = "entente.outbox"
    label = "outbox"
    verbose_name = _("Événements à traiter")

    def ready(self) -> None:
        from . import signals

        signals.connect()
