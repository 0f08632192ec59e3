from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "entente.privacy"
    label = "privacy"
    verbose_name = _("Données personnelles (RGPD)")

    def ready(self) -> None:
        from . import help_topic

        help_topic.register()  # its subject in the help (entente.core.help)
        from . import navigation

        navigation.register()
