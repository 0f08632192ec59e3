"""Forms of the console and of a tenant's support-access page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import TenantKind, TenantPlan, TenantState

from .models import AuditAction
from .selectors import SORTS

EMPTY = [("", _("Tous"))]


class TenantFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom, identifiant ou code officiel"), required=False)
    state = forms.ChoiceField(label=_("État"), choices=EMPTY + TenantState.choices, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=EMPTY + TenantKind.choices, required=False)
    departement = forms.CharField(label=_("Département"), required=False, max_length=3)
    epci = forms.IntegerField(label=_("EPCI (identifiant)"), required=False, widget=forms.Select)
    created_from = forms.DateField(
        label=_("Inscrite depuis le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = forms.DateField(
        label=_("Inscrite jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    trial_end_from = forms.DateField(
        label=_("Fin d'essai après le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    trial_end_to = forms.DateField(
        label=_("Fin d'essai avant le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
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
    date_from = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


ACTION_CHOICES = [
    ("extend_trial", _("Prolonger l'essai")),
    ("convert", _("Passer à une offre payante")),
    ("set_read_only", _("Mettre en lecture seule")),
    ("suspend", _("Suspendre")),
    ("reactivate", _("Réactiver")),
    ("start_closing", _("Engager la fermeture")),
]


class TenantActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=ACTION_CHOICES)
    reason = forms.CharField(
        label=_("Raison"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Conservée dans l'historique de la collectivité et le journal d'audit."),
        error_messages={"required": _("Indiquez la raison de cette action.")},
    )
    trial_ends_on = forms.DateField(
        label=_("Nouvelle fin d'essai (pour « Prolonger l'essai »)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    plan = forms.ChoiceField(
        label=_("Offre (pour « Passer à une offre payante »)"),
        required=False,
        choices=[
            (value, label) for value, label in TenantPlan.choices if value != TenantPlan.TRIAL
        ],
    )
    closing_on = forms.DateField(
        label=_("Date de fermeture (pour « Engager la fermeture »)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "extend_trial" and not data.get("trial_ends_on"):
            self.add_error("trial_ends_on", _("Choisissez la nouvelle date de fin d'essai."))
        if action == "convert" and not data.get("plan"):
            self.add_error("plan", _("Choisissez l'offre souscrite."))
        if action == "start_closing" and not data.get("closing_on"):
            self.add_error("closing_on", _("Choisissez la date de fermeture."))
        return data


class SupportGrantForm(forms.Form):
    duration = forms.ChoiceField(
        label=_("Durée de l'accès"),
        choices=[("1h", _("1 heure")), ("24h", _("24 heures")), ("7d", _("7 jours"))],
        initial="24h",
        widget=forms.RadioSelect,
    )
