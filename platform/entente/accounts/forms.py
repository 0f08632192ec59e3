"""allauth's forms in plain words: "Adresse e-mail", whatever the language catalogue says."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail")
        self.fields["password"].label = _("Mot de passe")


class ResetPasswordForm(AllauthResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")


class AddEmailForm(AllauthAddEmailForm):
    """With ACCOUNT_CHANGE_EMAIL, the form that replaces the person's one address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Nouvelle adresse e-mail")


class ApiTokenForm(forms.Form):
    """A personal API token's name and lifetime (a limited one is the safer default)."""

    EXPIRY_CHOICES = (
        ("30", _("30 jours")),
        ("90", _("90 jours")),
        ("365", _("1 an")),
        ("never", _("Jamais (à révoquer vous-même)")),
    )

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("L'outil ou le script qui l'utilisera, pour le reconnaître plus tard."),
        error_messages={
            "required": _("Donnez un nom au jeton, par exemple l'outil qui l'utilisera.")
        },
    )
    expiry = forms.ChoiceField(label=_("Durée de validité"), choices=EXPIRY_CHOICES, initial="90")

    def expires_at(self) -> datetime | None:
        value = self.cleaned_data["expiry"]
        return None if value == "never" else timezone.now() + timedelta(days=int(value))


class NewAccountForm(forms.Form):
    """The account made on an invitation's page (a colleague's, a citizen's): a name and a
    password; the address is the invited one."""

    full_name = forms.CharField(
        label=_("Votre nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Choisissez un mot de passe"),
        help_text=_("Au moins 8 caractères ; évitez un mot de passe que vous utilisez ailleurs."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
