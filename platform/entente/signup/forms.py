"""Forms of the sign-up. A honeypot field catches the robots that fill every input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import User

HONEYPOT_FIELD = "site_web"


class HoneypotMixin(forms.Form):
    """A field hidden from people (CSS and aria-hidden) that robots fill; filled means refused."""

    site_web = forms.CharField(
        required=False,
        label=_("Ne remplissez pas ce champ"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class SignupForm(HoneypotMixin):
    full_name = forms.CharField(
        label=_("Vos prénom et nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Indiquez vos prénom et nom.")},
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail professionnelle"),
        help_text=_("Nous y envoyons le lien qui confirme votre demande."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Indiquez une adresse e-mail complète, par exemple prenom.nom@mairie.fr."),
        },
    )
    function = forms.CharField(
        label=_("Votre fonction"),
        max_length=150,
        help_text=_("Par exemple : secrétaire de mairie, maire, DGS."),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={"required": _("Indiquez votre fonction.")},
    )


class JoinForm(SignupForm):
    message = forms.CharField(
        label=_("Un mot pour les administrateurs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Choisissez un mot de passe"),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choisissez un mot de passe.")},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password
