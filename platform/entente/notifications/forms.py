"""Filters of the inbox and the preferences form (one choice per kind, per space overrides)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery, NotificationKind

INHERIT = ""


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("Non lues seulement"), required=False)
    tenant = forms.TypedChoiceField(
        label=_("Collectivité"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args: Any, tenants: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tenant_field = self.fields["tenant"]
        kind_field = self.fields["kind"]
        assert isinstance(tenant_field, forms.ChoiceField)
        assert isinstance(kind_field, forms.ChoiceField)
        tenant_field.choices = [("", _("Toutes")), *((str(pk), name) for pk, name in tenants)]
        kind_field.choices = [("", _("Tous")), *NotificationKind.choices]


class PreferencesForm(forms.Form):
    """One field per kind (everywhere), and per kind and space of this tenant if given."""

    def __init__(
        self,
        *args: Any,
        current: dict[str, str],
        spaces: list[tuple[int, str]] = (),  # type: ignore[assignment]
        overrides: dict[tuple[str, int], str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        overrides = overrides or {}
        for kind, label in NotificationKind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label, choices=Delivery.choices, initial=current[kind]
            )
        self.spaces = spaces
        inherit = [(INHERIT, _("Comme ailleurs")), *Delivery.choices]
        for space_id, _name in spaces:
            for kind, label in NotificationKind.choices:
                self.fields[f"space_{space_id}_{kind}"] = forms.ChoiceField(
                    label=label,
                    choices=inherit,
                    required=False,
                    initial=overrides.get((kind, space_id), INHERIT),
                )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[f"kind_{kind}"] for kind in NotificationKind.values]

    def space_groups(self) -> list[tuple[int, str, list[forms.BoundField]]]:
        return [
            (pk, name, [self[f"space_{pk}_{kind}"] for kind in NotificationKind.values])
            for pk, name in self.spaces
        ]
