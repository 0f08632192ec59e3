"""Minutes: per-item text, decisions (votes, a task), submission, approval, then frozen."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entente.meetings import minutes, services
from entente.meetings.minutes import TaskSpec
from entente.meetings.models import (
    AgendaItem,
    Decision,
    ItemMinutes,
    Meeting,
    Minutes,
    MinutesState,
)
from entente.meetings.services import MeetingSpec
from entente.outbox.models import OutboxEvent
from entente.tasks.models import Task
from tests.support.acting import member, seeding
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 17, 30, tzinfo=datetime.UTC)


def _council(actors: SpaceActors) -> tuple[Meeting, AgendaItem]:
    acting = seeding(actors.people["editor"])
    meeting = services.create_meeting(
        acting, space=actors.space, spec=MeetingSpec("Conseil de mars", START, series="conseil")
    )
    return meeting, services.add_agenda_item(acting, meeting, title="Voirie")


def test_a_decision_creates_a_task_as_the_acting_member(actors: SpaceActors) -> None:
    editor, reader = actors.people["editor"], actors.people["reader"]
    with actors.inside():
        _meeting, item = _council(actors)
        decision = minutes.record_decision(
            member(editor, actors.tenant),
            item,
            text="Refaire la rue des Écoles",
            votes=(12, 2, 1),
            task=TaskSpec("Demander trois devis", reader.pk, datetime.date(2027, 4, 1)),
        )
        assert decision.task_id is not None
        task = Task.objects.get(pk=decision.task_id)
        assignees = list(task.assignments.values_list("user_id", flat=True))
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (12, 2, 1)
    assert task.space_id == actors.space.pk
    assert task.due_date == datetime.date(2027, 4, 1)
    assert assignees == [reader.pk]


def test_a_council_decision_needs_its_votes(actors: SpaceActors) -> None:
    with actors.inside():
        _meeting, item = _council(actors)
        with pytest.raises(ValidationError) as error:
            minutes.record_decision(seeding(actors.people["editor"]), item, text="Adopté")
        assert not Decision.objects.exists()
    assert "votes" in error.value.error_dict


def test_a_reader_cannot_write_minutes(actors: SpaceActors) -> None:
    with actors.inside():
        _meeting, item = _council(actors)
        with pytest.raises(PermissionDenied):
            minutes.write_item_minutes(
                member(actors.people["reader"], actors.tenant), item, text="Non"
            )
        assert not ItemMinutes.objects.exists()


def test_approved_minutes_are_frozen(actors: SpaceActors) -> None:
    editor, commenter = actors.people["editor"], actors.people["commenter"]
    acting = seeding(editor)
    with actors.inside():
        meeting, item = _council(actors)
        minutes.write_item_minutes(acting, item, text="Débat sur la voirie.")
        minutes.submit_minutes(acting, meeting, approver_ids=[editor.pk, commenter.pk])
        event = OutboxEvent.objects.filter(name="meeting.minutes_to_approve").latest("id")
        with pytest.raises(PermissionDenied):  # not a named approver
            minutes.approve_minutes(member(actors.people["reader"], actors.tenant), meeting)
        first = minutes.approve_minutes(member(editor, actors.tenant), meeting)
        assert first.state == MinutesState.SUBMITTED
        last = minutes.approve_minutes(member(commenter, actors.tenant), meeting)
        # Frozen: neither the minutes, the decisions, the agenda nor the meeting change.
        with pytest.raises(ValidationError):
            minutes.write_item_minutes(acting, item, text="Réécrit")
        with pytest.raises(ValidationError):
            minutes.record_decision(acting, item, text="Autre", votes=(1, 0, 0))
        with pytest.raises(ValidationError):
            services.add_agenda_item(acting, meeting, title="Ajout tardif")
        with pytest.raises(ValidationError):
            services.update_meeting(acting, meeting, MeetingSpec("Renommé", START))
        text = ItemMinutes.objects.get(item=item).text
        titles = list(meeting.agenda.values_list("title", flat=True))
        meeting.refresh_from_db()
    assert sorted(event.user_ids) == sorted([editor.pk, commenter.pk])
    assert last.state == MinutesState.APPROVED
    assert last.frozen_at is not None
    assert text == "Débat sur la voirie."
    assert titles == ["Voirie"]
    assert meeting.title == "Conseil de mars"


def test_frozen_minutes_refuse_edits_through_the_page(actors: SpaceActors) -> None:
    editor = actors.people["editor"]
    with actors.inside():
        meeting, item = _council(actors)
        minutes.submit_minutes(seeding(editor), meeting, approver_ids=[editor.pk])
    client = actors.client("editor")
    base = f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/"
    approve = client.post(base + "proces-verbal/approuver/")
    write = client.post(base + f"points/{item.pk}/compte-rendu/", {"text": "Après coup"})
    page = client.get(base).content.decode()
    with actors.inside():
        state = Minutes.objects.get(meeting=meeting).state
        written = ItemMinutes.objects.filter(item=item, text="Après coup").exists()
    assert (approve.status_code, write.status_code) == (302, 302)
    assert state == MinutesState.APPROVED
    assert not written
    assert "Enregistrer le compte rendu" not in page
    assert "figé le" in page
    # Moving an item of frozen minutes is refused with a message, not an error 500.
    move = client.post(base + f"ordre-du-jour/{item.pk}/deplacer/", {"direction": "down"})
    assert move.status_code == 302
    assert "ne peut plus être modifiée" in client.get(base).content.decode()
