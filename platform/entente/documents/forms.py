"""Forms of the document pages (the plain forms that work without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FolderRole

CONFLICT_CHOICES = [
    ("", _("Me demander")),
    ("new_version", _("En faire une nouvelle version")),
    ("keep_both", _("Garder les deux (le nouveau est renommé)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("Fichiers"))  # type: ignore[assignment]
    on_conflict = forms.ChoiceField(
        label=_("Si un fichier du même nom existe"),
        choices=CONFLICT_CHOICES,
        required=False,
    )
    note = forms.CharField(label=_("Note de version (facultative)"), max_length=500, required=False)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("Nouvelle version"))
    note = forms.CharField(label=_("Note de version (facultative)"), max_length=500, required=False)


class NameForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)


class MoveForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Déplacer vers"), coerce=int)

    def __init__(self, *args: Any, targets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


class RightForm(forms.Form):
    person = forms.TypedChoiceField(
        label=_("Personne"), coerce=int, required=False, empty_value=None
    )
    role = forms.ChoiceField(
        label=_("Rôle dans ce dossier"),
        choices=[("", _("Comme dans l'espace (retirer la règle)")), *FolderRole.choices],
        required=False,
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Tous les autres membres")), *people]  # type: ignore[attr-defined]
