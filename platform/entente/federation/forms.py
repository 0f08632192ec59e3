"""Forms of the federation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 1000


class InviteForm(forms.Form):
    code = forms.RegexField(
        label=_("Code INSEE de la commune"),
        regex=r"^(\d{5}|2[ABab]\d{3})$",
        max_length=5,
        error_messages={
            "invalid": _("Saisissez un code INSEE de 5 caractères, par exemple 44087."),
            "required": _("Saisissez le code INSEE de la commune à inviter."),
        },
    )
    allow_unlisted = forms.BooleanField(
        label=_("Inviter même si la commune n'est pas membre selon la liste officielle"),
        required=False,
    )
    note = forms.CharField(
        label=_("Message (facultatif)"), required=False, max_length=NOTE_MAX_LENGTH
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).upper()


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
