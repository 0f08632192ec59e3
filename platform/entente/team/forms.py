"""Forms of the team's pages (labels and hints in French, validated again by the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import Role
from tenants.models import MfaPolicy


class InviteColleaguesForm(forms.Form):
    emails = forms.CharField(
        label=_("Adresses e-mail de vos collègues"),
        help_text=_(
            "Une ou plusieurs adresses, séparées par des virgules ou des retours à la ligne. "
            "Chacun reçoit un lien pour rejoindre la collectivité."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        max_length=5000,
    )
    role = forms.ChoiceField(
        label=_("Leur rôle"),
        help_text=_("Un élu voit les espaces et les séances ; un administrateur gère l'équipe."),
    )
    message = forms.CharField(
        label=_("Message d'accompagnement (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(role, Role(role).label) for role in roles]
        self.fields["role"].initial = Role.AGENT


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(r, Role(r).label) for r in (Role.AGENT, Role.ELECTED, Role.ADMIN)],
    )


class MfaPolicyForm(forms.Form):
    mfa_required_for = forms.ChoiceField(
        label=_("Qui doit utiliser la double authentification ?"),
        help_text=_(
            "Les personnes concernées qui n'en ont pas encore sont conduites, à leur prochaine "
            "page, vers l'activation d'une application d'authentification ou d'une clé de "
            "sécurité."
        ),
        choices=MfaPolicy.choices,
        widget=forms.RadioSelect,
    )
