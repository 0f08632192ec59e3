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
from entente.documents.models import Document
from entente.spaces.models import Space, SpaceMembership

from . import followup, minutes, services
from .models import Meeting, Minutes, Series
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
        task = None
        if title == "Travaux de voirie":  # a follow-up still open at the next council
            task = minutes.TaskSpec(
                "Demander trois devis pour la voirie",
                team[-1].pk,
                today + datetime.timedelta(days=20),
            )
        minutes.record_decision(author, item, text="Adopté.", votes=(len(members), 0, 0), task=task)
    approvers = team[:2]  # the secretary and the president sign the procès-verbal
    minutes.submit_minutes(author, past, approver_ids=[person.pk for person in approvers])
    for person in approvers:
        minutes.approve_minutes(DEMO.on_behalf_of(person), past)
    # Marked as shared, so that the demo mails no PDF (`sharing` skips shared minutes). The
    # demo's councils are in the team's spaces, never in a public project: no extract to publish.
    Minutes.objects.filter(meeting=past).update(shared_at=timezone.now())
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
    first = None
    for index, title in enumerate(NEXT_AGENDA):
        item = services.add_agenda_item(
            author, upcoming, title=title, rapporteur_id=team[index % len(team)].pk
        )
        first = first or item
    followup.carry_over_open_tasks(author, upcoming)  # the voirie task, still open
    document = Document.objects.filter(folder__space=space, deleted_at__isnull=True).first()
    if document is not None and first is not None:
        followup.attach_document(author, first, document_id=document.pk)
    # Shown as convened without sending e-mails from the demo (send_convocation would).
    Meeting.objects.filter(pk=upcoming.pk).update(convened_at=timezone.now())
    return 2
