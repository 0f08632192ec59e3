from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    name = "entente.mailin"
    label = "mailin"
    verbose_name = _("Courriel → tâche")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from . import navigation

        navigation.register()  # its entries in the menus (entente.core.navigation)
