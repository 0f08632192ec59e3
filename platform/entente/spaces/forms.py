"""Forms of the space pages; the services validate again (they are the rule, forms the UI)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import Membership
from tenants.models import FederationLink, FederationState, Tenant, TenantKind

from .models import JoinPolicy, Space, SpaceKind, SpaceRole, Visibility


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

    # On an EPCI only, for the federation visibility (ARCHITECTURE.md §3): how its communes'
    # staff join, and to which linked communes the space is open (none ticked: all of them).
    join_policy = forms.ChoiceField(
        label=_("Adhésion des agents des communes"),
        choices=JoinPolicy.choices,
        initial=JoinPolicy.ON_REQUEST,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Pour un espace intercommunal seulement."),
    )
    federation_scope = forms.TypedMultipleChoiceField(
        label=_("Communes auxquelles l'espace est ouvert"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : toutes les communes liées. Pour un espace intercommunal."),
    )

    def __init__(self, *args: Any, tenant: Tenant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = linked_communes(tenant) if tenant is not None else None
        if communes is None:
            del self.fields["join_policy"]
            del self.fields["federation_scope"]
        else:
            self.fields["federation_scope"].choices = [  # type: ignore[attr-defined]
                (commune.pk, commune.name) for commune in communes
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "join_policy" in self.fields:
            if data.get("visibility") != Visibility.FEDERATION:
                data.pop("join_policy", None)
                data.pop("federation_scope", None)
            elif not data.get("join_policy"):
                data["join_policy"] = JoinPolicy.ON_REQUEST
        return data

    @classmethod
    def for_space(
        cls, space: Space, data: Any = None, *, tenant: Tenant | None = None
    ) -> SpaceForm:
        return cls(
            data,
            tenant=tenant,
            initial={
                "name": space.name,
                "description": space.description,
                "kind": space.kind,
                "visibility": space.visibility,
                "join_policy": space.join_policy,
                "federation_scope": list(space.federation_scope or []),
            },
        )


def linked_communes(tenant: Tenant) -> list[Tenant] | None:
    """The communes actively linked to an EPCI, by name; None for a tenant that is no EPCI."""
    if tenant.kind != TenantKind.EPCI:
        return None
    return [
        link.commune
        for link in FederationLink.objects.filter(epci=tenant, state=FederationState.ACTIVE)
        .select_related("commune")
        .order_by("commune__name")
    ]


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
