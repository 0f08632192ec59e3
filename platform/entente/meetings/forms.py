"""Forms of the meeting pages (plain HTML inputs: usable on a phone without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import User

from .models import Attendance, Meeting, Series
from .services import MeetingSpec

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    series = forms.ChoiceField(label=_("Série"), choices=Series.choices, required=False)
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        return {
            name: getattr(meeting, name)
            for name in ("title", "series", "starts_at", "ends_at", "place", "video_url")
        }

    def spec(self) -> MeetingSpec:
        data = self.cleaned_data
        return MeetingSpec(
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            series=data["series"] or "",
            place=data["place"],
            video_url=data["video_url"],
        )


def _people_choices(people: dict[int, User]) -> list[tuple[str, str]]:
    ordered = sorted(people.values(), key=lambda user: (user.display_name, user.pk))
    return [("", str(_("Personne")))] + [(str(user.pk), user.display_name) for user in ordered]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du point"), max_length=300)
    rapporteur = forms.TypedChoiceField(
        label=_("Rapporteur"), coerce=int, empty_value=None, required=False
    )
    notes = forms.CharField(
        label=_("Exposé"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, people: dict[int, User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].choices = _people_choices(people)  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Personne"), coerce=int)
    status = forms.ChoiceField(label=_("Présence"), choices=Attendance.choices)
    proxy_to = forms.TypedChoiceField(
        label=_("Pouvoir donné à"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, people: dict[int, User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _people_choices(people)
        self.fields["person"].choices = choices[1:]  # type: ignore[attr-defined]
        self.fields["proxy_to"].choices = choices  # type: ignore[attr-defined]


class ItemMinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Compte rendu du point"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Décision"), widget=forms.Textarea(attrs={"rows": 2}))
    votes_for = forms.IntegerField(label=_("Pour"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Contre"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    task_title = forms.CharField(
        label=_("Tâche à créer (facultatif)"), max_length=200, required=False
    )
    assignee = forms.TypedChoiceField(
        label=_("Confiée à"), coerce=int, empty_value=None, required=False
    )
    due_date = forms.DateField(
        label=_("Échéance"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: dict[int, User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _people_choices(people)  # type: ignore[attr-defined]

    def votes(self) -> tuple[int, int, int] | None:
        data = self.cleaned_data
        counts = (data["votes_for"], data["votes_against"], data["abstentions"])
        if all(count is None for count in counts):
            return None
        return (counts[0] or 0, counts[1] or 0, counts[2] or 0)


class SubmitMinutesForm(forms.Form):
    approvers = forms.TypedMultipleChoiceField(
        label=_("Approbateurs (secrétaire de séance, président…)"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: dict[int, User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approvers"].choices = _people_choices(people)[1:]  # type: ignore[attr-defined]
