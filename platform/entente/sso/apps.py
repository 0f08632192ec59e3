from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Sign-in through an identity provider (ProConnect): allauth's socialaccount, our rules."""

    name = "entente.sso"
    label = "sso"
    verbose_name = _("Connexion par un fournisseur d'identité")
