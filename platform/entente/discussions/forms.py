from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

BODY_HELP = _("Mentionnez quelqu'un avec @prénom.nom ; gras, listes et liens sont conservés.")


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Sujet"), max_length=200)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), help_text=BODY_HELP
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 4}), help_text=BODY_HELP
    )
