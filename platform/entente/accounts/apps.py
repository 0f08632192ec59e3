from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "entente.accounts"
    label = "accounts"
    verbose_name = _("Personnes")

    def ready(self) -> None:
        from entente.search.registry import register_kinds

        from . import signals  # noqa: F401
        from .search import KINDS as SEARCH_KINDS

        register_kinds(SEARCH_KINDS)
