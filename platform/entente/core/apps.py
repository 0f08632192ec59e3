from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "entente.core"
    label = "core"
    verbose_name = "Entente"

    def ready(self) -> None:
        from .db import connect_recycling

        connect_recycling()  # bounded catalog cache per connection (docs/operations.md)
