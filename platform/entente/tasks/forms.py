"""Forms of the task pages; the services validate again (they are the rule, forms the UI)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import User
from entente.spaces.selectors import federated_commune_names, name_with_commune

from .models import Frequency, Label, TaskPriority, TaskStatus, Weekday, WeekOfMonth


def person_label(user: User) -> str:
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=300,
        error_messages={"required": _("Donnez un titre à la tâche.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Mise en forme simple acceptée ; mentionnez quelqu'un avec @prénom.nom."),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=TaskStatus.choices, initial="todo")
    priority = forms.TypedChoiceField(
        label=_("Priorité"), choices=TaskPriority.choices, coerce=int, initial=TaskPriority.NORMAL
    )
    due_date = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Date invalide : choisissez-la dans le calendrier.")},
    )
    assignees = forms.TypedMultipleChoiceField(
        label=_("Personnes chargées de la tâche"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    observers = forms.TypedMultipleChoiceField(
        label=_("Observateurs"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ils suivent la tâche et sont prévenus de ses changements."),
    )
    labels = forms.TypedMultipleChoiceField(
        label=_("Étiquettes"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    recurrence_frequency = forms.ChoiceField(
        label=_("Répétition"), choices=Frequency.choices, required=False
    )
    recurrence_interval = forms.IntegerField(
        label=_("Intervalle"),
        min_value=1,
        max_value=366,
        initial=1,
        required=False,
        help_text=_("Par exemple 2 pour « toutes les 2 semaines »."),
    )
    recurrence_weekday = forms.TypedChoiceField(
        label=_("Jour de la semaine"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Pour « n-ième jour du mois » : par exemple mardi."),
    )
    recurrence_week = forms.TypedChoiceField(
        label=_("Semaine du mois"),
        choices=[("", "—"), *WeekOfMonth.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Par exemple « 2e » pour le 2e mardi du mois."),
    )

    def __init__(
        self, *args: Any, people: Iterable[User], labels: Iterable[Label], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = list(people)
        # People of a linked commune in an EPCI's space are shown with their commune.
        communes = federated_commune_names({user.pk for user in people})
        choices = [
            (
                user.pk,
                person_label(user)
                if user.pk not in communes
                else f"{name_with_commune(user, communes)} — {user.email}",
            )
            for user in people
        ]
        self.fields["assignees"].choices = choices  # type: ignore[attr-defined]
        self.fields["observers"].choices = choices  # type: ignore[attr-defined]
        self.fields["labels"].choices = [  # type: ignore[attr-defined]
            (label.pk, label.name) for label in labels
        ]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["recurrence_frequency"] = data.get("recurrence_frequency") or ""
        data["recurrence_interval"] = data.get("recurrence_interval") or 1
        data["assignee_ids"] = data.pop("assignees")
        data["observer_ids"] = data.pop("observers")
        data["label_ids"] = data.pop("labels")
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mentionnez quelqu'un avec @prénom.nom : il sera prévenu."),
        error_messages={"required": _("Écrivez un commentaire avant de l'envoyer.")},
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier à joindre"),
        error_messages={"required": _("Choisissez un fichier à joindre.")},
    )


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Déplacer vers…"), choices=TaskStatus.choices)


class MyTasksFilterForm(forms.Form):
    relation = forms.ChoiceField(
        label=_("Tâches"),
        required=False,
        choices=[
            ("assigned", _("qui me sont confiées")),
            ("created", _("que j'ai créées")),
            ("observed", _("que j'observe")),
            ("all", _("toutes celles qui me concernent")),
        ],
    )
    status = forms.MultipleChoiceField(
        label=_("Statut"),
        required=False,
        choices=TaskStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    space = forms.TypedChoiceField(label=_("Espace"), required=False, coerce=int, empty_value=None)
    due = forms.ChoiceField(
        label=_("Échéance"),
        required=False,
        choices=[
            ("", _("toutes")),
            ("overdue", _("en retard")),
            ("week", _("cette semaine")),
            ("later", _("plus tard")),
            ("none", _("sans échéance")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("due", _("échéance")),
            ("priority", _("priorité")),
            ("updated", _("dernière modification")),
        ],
    )

    def __init__(self, *args: Any, spaces: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [  # type: ignore[attr-defined]
            ("", _("tous les espaces")),
            *((space.pk, space.name) for space in spaces),
        ]


class LabelForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de l'étiquette"),
        max_length=60,
        error_messages={"required": _("Donnez un nom à l'étiquette.")},
    )
    color = forms.CharField(
        label=_("Couleur"),
        max_length=7,
        initial="#1f6feb",
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Le texte de l'étiquette passe en noir ou en blanc pour rester lisible."),
    )
