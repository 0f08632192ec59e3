"""Forms of the citizens' pages (labels and hints in French, validated again by the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CitizenSection


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Adresses e-mail des citoyens"),
        help_text=_(
            "Une ou plusieurs adresses, séparées par des virgules ou des retours à la ligne."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        max_length=5000,
    )
    message = forms.CharField(
        label=_("Message d'accompagnement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class OpenSectionsForm(forms.Form):
    open_sections = forms.MultipleChoiceField(
        label=_("Ce que les citoyens voient du projet"),
        help_text=_("Les membres du projet voient toujours tout ; les citoyens, seulement ceci."),
        choices=CitizenSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
