"""Forms of the console and of a tenant's support-access page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import TenantKind, TenantPlan, TenantState

from .models import AuditAction
from .selectors import SORTS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: for the type checker only

EMPTY = [("", _("Tous"))]


def optional_date(label: StrOrPromise) -> forms.DateField:
    """A date field the browser shows as a date picker, which may stay empty."""
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TenantFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom, identifiant ou code officiel"), required=False)
    state = forms.ChoiceField(label=_("État"), choices=EMPTY + TenantState.choices, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=EMPTY + TenantKind.choices, required=False)
    departement = forms.CharField(label=_("Département"), required=False, max_length=3)
    epci = forms.IntegerField(label=_("EPCI (identifiant)"), required=False, widget=forms.Select)
    created_from = optional_date(_("Inscrite depuis le"))
    created_to = optional_date(_("Inscrite jusqu'au"))
    trial_end_from = optional_date(_("Fin d'essai après le"))
    trial_end_to = optional_date(_("Fin d'essai avant le"))
    activation_min = forms.IntegerField(
        label=_("Activation d'au moins (%)"), required=False, min_value=0, max_value=100
    )
    activation_max = forms.IntegerField(
        label=_("Activation d'au plus (%)"), required=False, min_value=0, max_value=100
    )
    sort = forms.ChoiceField(
        label=_("Tri"),
        required=False,
        choices=[
            ("name", _("Nom (A→Z)")),
            ("-name", _("Nom (Z→A)")),
            ("-created", _("Inscription (récentes d'abord)")),
            ("created", _("Inscription (anciennes d'abord)")),
            ("trial_end", _("Fin d'essai (proches d'abord)")),
            ("-trial_end", _("Fin d'essai (lointaines d'abord)")),
            ("-members", _("Membres (plus nombreux d'abord)")),
            ("members", _("Membres (moins nombreux d'abord)")),
            ("-activation", _("Activation (plus forte d'abord)")),
            ("activation", _("Activation (plus faible d'abord)")),
        ],
    )

    def __init__(
        self, *args: object, epci_choices: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["epci"].widget.choices = [("", _("Tous")), *epci_choices]

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or "name"
        return sort if sort in SORTS else "name"


class AuditFilterForm(forms.Form):
    tenant = forms.SlugField(label=_("Collectivité (identifiant)"), required=False)
    actor = forms.CharField(label=_("Auteur (adresse e-mail)"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=EMPTY + AuditAction.choices, required=False
    )
    date_from = optional_date(_("Du"))
    date_to = optional_date(_("Au"))


ACTION_CHOICES = [
    ("extend_trial", _("Prolonger l'essai")),
    ("convert", _("Passer à une offre payante")),
    ("set_read_only", _("Mettre en lecture seule")),
    ("suspend", _("Suspendre")),
    ("reactivate", _("Réactiver")),
    ("start_closing", _("Engager la fermeture")),
]


# The field an action cannot go without, and what to say when it is missing.
FIELD_NEEDED_BY_ACTION = {
    "extend_trial": ("trial_ends_on", _("Choisissez la nouvelle date de fin d'essai.")),
    "convert": ("plan", _("Choisissez l'offre souscrite.")),
    "start_closing": ("closing_on", _("Choisissez la date de fermeture.")),
}


class TenantActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=ACTION_CHOICES)
    reason = forms.CharField(
        label=_("Raison"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Conservée dans l'historique de la collectivité et le journal d'audit."),
        error_messages={"required": _("Indiquez la raison de cette action.")},
    )
    trial_ends_on = optional_date(_("Nouvelle fin d'essai (pour « Prolonger l'essai »)"))
    plan = forms.ChoiceField(
        label=_("Offre (pour « Passer à une offre payante »)"),
        required=False,
        choices=[
            (value, label) for value, label in TenantPlan.choices if value != TenantPlan.TRIAL
        ],
    )
    closing_on = optional_date(_("Date de fermeture (pour « Engager la fermeture »)"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        needed = FIELD_NEEDED_BY_ACTION.get(str(data.get("action")))
        if needed and not data.get(needed[0]):
            self.add_error(*needed)
        return data


class SupportGrantForm(forms.Form):
    duration = forms.ChoiceField(
        label=_("Durée de l'accès"),
        choices=[("1h", _("1 heure")), ("24h", _("24 heures")), ("7d", _("7 jours"))],
        initial="24h",
        widget=forms.RadioSelect,
    )
