"""The admins' form of the collectivité's SAML directory."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SamlConnection


class SamlConnectionForm(forms.ModelForm):
    metadata = forms.CharField(
        label=_("Métadonnées du fournisseur (facultatif)"),
        help_text=_(
            "Collez ici le fichier XML de métadonnées que donne votre annuaire : l'identifiant, "
            "les adresses et le certificat en seront lus, sans les saisir."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    # Checked by the service, with a clearer message than a URL field's.
    sso_url = forms.CharField(
        label=_("adresse de connexion (SSO)"),
        max_length=500,
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    slo_url = forms.CharField(
        label=_("adresse de déconnexion (SLO)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )

    class Meta:
        model = SamlConnection
        fields = list(SamlConnection.SETTINGS_FIELDS)
        widgets = {
            "x509cert": forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        }
        help_texts = {
            "idp_entity_id": _("Souvent l'adresse des métadonnées de l'annuaire."),
            "email_attribute": _("Laissé vide : les noms usuels (mail, emailaddress…)."),
            "first_name_attribute": _("Laissé vide : les noms usuels (givenName…)."),
            "last_name_attribute": _("Laissé vide : les noms usuels (sn, surname…)."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if str(self.data.get("metadata") or "").strip():
            # Pasted metadata gives the directory's values: they need not be typed as well.
            for name in ("idp_entity_id", "sso_url", "x509cert"):
                self.fields[name].required = False
