from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo seed (`manage.py seed_demo`, run by `make run` the first time). No models."""

    name = "entente.demo"
    label = "demo"
    verbose_name = _("Démonstration")
