"""Demo meetings (called by `seed_demo`): a past council with approved minutes, the next one
with its agenda, so that the demo shows a meeting's whole life."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from entente.accounts.actors import DEMO
from entente.accounts.models import User
from entente.spaces.models import Space, SpaceMembership

from . import minutes, services
from .models import Meeting, Series
from .services import MeetingSpec

PAST_AGENDA = ("Approbation du procès-verbal précédent", "Budget primitif", "Travaux de voirie")
NEXT_AGENDA = ("Compte administratif", "Tarifs de la cantine", "Questions diverses")


def _evening(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(18, 30), ZoneInfo("Europe/Paris"))


@transaction.atomic
def seed_meetings(
    space: Space, people: Sequence[User], *, today: datetime.date | None = None
) -> int:
    """Two councils in `space` unless it has meetings; returns how many meetings were made."""
    if Meeting.objects.filter(space=space).exists() or not people:
        return 0
    members = set(SpaceMembership.objects.filter(space=space).values_list("user_id", flat=True))
    team = [person for person in people if person.pk in members]
    if not team:
        return 0
    author = DEMO.on_behalf_of(team[0])
    today = today or timezone.localdate()
    past = services.create_meeting(
        author,
        space=space,
        spec=MeetingSpec(
            "Conseil — séance du mois dernier",
            _evening(today - datetime.timedelta(days=28)),
            series=Series.COUNCIL,
            place="Salle du conseil, mairie",
        ),
    )
    for index, title in enumerate(PAST_AGENDA):
        item = services.add_agenda_item(
            author, past, title=title, rapporteur_id=team[index % len(team)].pk
        )
        minutes.write_item_minutes(author, item, text=f"Présentation et débat : {title.lower()}.")
        minutes.record_decision(author, item, text="Adopté.", votes=(len(members), 0, 0))
    approvers = team[:2]  # the secretary and the president sign the procès-verbal
    minutes.submit_minutes(author, past, approver_ids=[person.pk for person in approvers])
    for person in approvers:
        minutes.approve_minutes(DEMO.on_behalf_of(person), past)
    upcoming = services.create_meeting(
        author,
        space=space,
        spec=MeetingSpec(
            "Conseil — prochaine séance",
            _evening(today + datetime.timedelta(days=10)),
            series=Series.COUNCIL,
            place="Salle du conseil, mairie",
        ),
    )
    for index, title in enumerate(NEXT_AGENDA):
        services.add_agenda_item(
            author, upcoming, title=title, rapporteur_id=team[index % len(team)].pk
        )
    return 2
