from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "entente.core"
    label = "core"
    verbose_name = "Entente"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from .db import connect_recycling
        from .outage import remember_outage

        connect_recycling()  # bounded catalog cache per connection (docs/operations.md)
        got_request_exception.connect(remember_outage, dispatch_uid="core.outage")
