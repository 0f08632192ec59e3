from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "entente.core"
    label = "core"
    verbose_name = "Entente"
