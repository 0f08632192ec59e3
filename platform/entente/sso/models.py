"""A collectivité's own SAML identity provider (an EPCI's directory), set by its admins.

In the public schema, beside the tenant it belongs to: the login page and the SAML views read
it from the host before any tenant schema matters, and the console lists it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SamlConnection(models.Model):
    # What an admin sets (form, API, export): the directory's values and the switch.
    TEXT_FIELDS = (
        "label",
        "idp_entity_id",
        "sso_url",
        "slo_url",
        "x509cert",
        "email_attribute",
        "first_name_attribute",
        "last_name_attribute",
    )
    SETTINGS_FIELDS = (*TEXT_FIELDS, "enabled")

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="saml_connection"
    )
    label = models.CharField(
        _("nom du bouton"),
        max_length=80,
        help_text=_(
            "Ce que lit l'agent sur la page de connexion, par exemple « Annuaire de la CC »."
        ),
    )
    idp_entity_id = models.CharField(_("identifiant (entity ID) du fournisseur"), max_length=500)
    sso_url = models.URLField(_("adresse de connexion (SSO)"), max_length=500)
    slo_url = models.URLField(_("adresse de déconnexion (SLO)"), max_length=500, blank=True)
    x509cert = models.TextField(_("certificat de signature du fournisseur"))
    email_attribute = models.CharField(
        _("attribut de l'adresse e-mail"), max_length=200, blank=True
    )
    first_name_attribute = models.CharField(_("attribut du prénom"), max_length=200, blank=True)
    last_name_attribute = models.CharField(_("attribut du nom"), max_length=200, blank=True)
    enabled = models.BooleanField(_("proposée sur la page de connexion"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connexion SAML")
        verbose_name_plural = _("connexions SAML")

    def __str__(self) -> str:
        return f"{self.label} ({self.tenant_id})"
