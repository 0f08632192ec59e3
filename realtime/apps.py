from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Relays the events of `entente.core.events` to the live connections of every process."""

    name = "realtime"
    verbose_name = "Temps réel"

    def ready(self) -> None:
        from entente.core.events import subscribe

        from .hub import publish

        subscribe(publish, best_effort=True)  # missed pushes are caught up on reconnect
