from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "entente.accounts"
    label = "accounts"
    verbose_name = _("Personnes")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from entente.search.registry import register_kinds

        from . import acting, navigation, signals  # noqa: F401  (acting registers its caches)
        from .search import KINDS as SEARCH_KINDS

        navigation.register()  # its entries in the menus (entente.core.navigation)
        register_kinds(SEARCH_KINDS)
