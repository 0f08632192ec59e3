"""Forms of the space pages; the services validate again (they are the rule, forms the UI)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import Membership

from .models import Space, SpaceKind, SpaceRole, Visibility


class SpaceForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de l'espace"),
        max_length=200,
        error_messages={"required": _("Donnez un nom à l'espace.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que l'on fait dans cet espace, en une ou deux phrases."),
    )
    kind = forms.ChoiceField(
        label=_("Type d'espace"),
        choices=SpaceKind.choices,
        initial=SpaceKind.TEAM,
        widget=forms.RadioSelect,
    )
    visibility = forms.ChoiceField(
        label=_("Qui peut voir cet espace ?"),
        choices=Visibility.choices,
        initial=Visibility.TENANT,
        widget=forms.RadioSelect,
        help_text=_(
            "« Privé » : ses seuls membres. Les autres choix ouvrent la lecture aux agents et "
            "aux élus de la collectivité."
        ),
    )

    @classmethod
    def for_space(cls, space: Space, data: Any = None) -> SpaceForm:
        return cls(
            data,
            initial={
                "name": space.name,
                "description": space.description,
                "kind": space.kind,
                "visibility": space.visibility,
            },
        )


class AddMemberForm(forms.Form):
    user = forms.TypedChoiceField(
        label=_("Personne"),
        coerce=int,
        error_messages={
            "required": _("Choisissez la personne à ajouter."),
            "invalid_choice": _("Choisissez une personne de la liste."),
        },
    )
    role = forms.ChoiceField(
        label=_("Rôle dans l'espace"),
        choices=SpaceRole.choices,
        initial=SpaceRole.EDITOR,
        help_text=_(
            "Éditeur : crée, modifie et gère l'espace. Commentateur : lit et commente. "
            "Lecteur : lit."
        ),
    )

    def __init__(self, *args: Any, people: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— Choisir —"))] + [  # type: ignore[attr-defined]
            (person.user_id, f"{person.user.display_name} ({person.user.email})")
            for person in people
        ]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=SpaceRole.choices)


class SpaceFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous")), *list(SpaceKind.choices)]
    )
    archived = forms.BooleanField(label=_("Espaces archivés"), required=False)
