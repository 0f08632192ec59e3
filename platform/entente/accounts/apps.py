from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "entente.accounts"
    label = "accounts"
    verbose_name = _("Personnes")

    def ready(self) -> None:
        from . import acting, signals  # noqa: F401  (acting registers its caches)
