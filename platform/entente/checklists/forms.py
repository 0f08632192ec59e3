"""Forms of the procedure pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import connection
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import Membership, Role
from entente.spaces.models import Space

from .models import AssigneeRole, TemplateItem
from .services import MAX_OFFSET_DAYS, ItemSpec


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Nom de la procédure"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def assignee_choices() -> list[tuple[str, str]]:
    """No one, a tenant role, or one of the tenant's staff (value `role:agent`, `user:12`)."""
    people = (
        Membership.objects.filter(tenant_id=connection.tenant.pk, user__is_active=True)  # type: ignore[attr-defined]
        .exclude(role=Role.GUEST)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        ("", str(_("Personne (à attribuer au lancement)"))),
        *((f"role:{value}", str(label)) for value, label in AssigneeRole.choices),
        *((f"user:{m.user_id}", m.user.display_name) for m in people),
    ]


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de l'étape"), max_length=300)
    due_offset_days = forms.IntegerField(
        label=_("Échéance (jours)"),
        min_value=-MAX_OFFSET_DAYS,
        max_value=MAX_OFFSET_DAYS,
        initial=0,
        help_text=_("Par rapport à la date de référence : -5 pour J-5, 0 pour le jour même."),
    )
    assignee = forms.ChoiceField(label=_("Responsable"), required=False)
    notes = forms.CharField(
        label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = assignee_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(item: TemplateItem) -> dict[str, Any]:
        if item.assignee_id:
            assignee = f"user:{item.assignee_id}"
        elif item.assignee_role:
            assignee = f"role:{item.assignee_role}"
        else:
            assignee = ""
        return {
            "title": item.title,
            "due_offset_days": item.due_offset_days,
            "assignee": assignee,
            "notes": item.notes,
        }

    def spec(self) -> ItemSpec:
        data = self.cleaned_data
        kind, _sep, value = (data.get("assignee") or "").partition(":")
        return ItemSpec(
            title=data["title"],
            due_offset_days=data["due_offset_days"],
            assignee_id=int(value) if kind == "user" else None,
            assignee_role=value if kind == "role" else "",
            notes=data.get("notes", ""),
        )


class LaunchForm(forms.Form):
    space = forms.ModelChoiceField(label=_("Espace"), queryset=Space.objects.none())
    reference_date = forms.DateField(
        label=_("Date de référence"),
        help_text=_("Le jour J : la date de la séance, du scrutin, du dépôt…"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    name = forms.CharField(
        label=_("Nom de la liste"),
        required=False,
        max_length=200,
        help_text=_("Par défaut : le nom de la procédure et la date."),
    )

    def __init__(self, *args: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces  # type: ignore[attr-defined]
        only = list(spaces[:2])
        if len(only) == 1 and not self.initial.get("space"):
            # One space to launch into: chosen already, one field less to fill.
            self.initial["space"] = only[0].pk
