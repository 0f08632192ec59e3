"""Meeting pages, per actor: the status code and what the database holds afterwards."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from entente.meetings import services
from entente.meetings.models import (
    AgendaItem,
    Attendance,
    Attendee,
    Decision,
    ItemMinutes,
    Meeting,
    Minutes,
    MinutesState,
)
from entente.meetings.services import MeetingSpec
from entente.outbox.models import OutboxEvent
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 17, 30, tzinfo=datetime.UTC)
READERS = {"editor": 200, "commenter": 200, "reader": 200, "admin": 200, "staff": 404, "guest": 404}
PREPARERS = {"editor", "admin"}


def _meeting(actors: SpaceActors) -> Meeting:
    with actors.inside():
        meeting = services.create_meeting(
            seeding(actors.people["editor"]),
            space=actors.space,
            spec=MeetingSpec("Conseil municipal de mars", START, series="conseil"),
        )
        services.add_agenda_item(seeding(actors.people["editor"]), meeting, title="Budget primitif")
        return meeting


def _refused_outside(status: int, response: Any, actor: str) -> None:
    if actor == "anonymous":
        assert status == 302
        assert "/comptes/login/" in response["Location"]
    else:
        assert actor == "outsider"
        assert status == 403


def _expected_write(actor: str) -> int:
    """Preparers are sent back to the page (302); readers who see it are refused (403);
    those who may not see it learn nothing (404)."""
    if actor in PREPARERS:
        return 302
    return 403 if READERS[actor] == 200 else 404


@pytest.mark.parametrize("actor", ACTORS)
def test_meeting_list_and_detail(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    client = actors.client(actor)
    base = f"/espaces/{actors.space.pk}/reunions/"
    for url in (base, f"{base}{meeting.pk}/"):
        response = client.get(url)
        if actor in READERS:
            assert response.status_code == READERS[actor]
            assert ("Conseil municipal de mars" in response.content.decode()) == (
                READERS[actor] == 200
            )
        else:
            _refused_outside(response.status_code, response, actor)
    if READERS.get(actor) == 200:
        detail = client.get(f"{base}{meeting.pk}/").content.decode()
        assert "Budget primitif" in detail
        assert ("Ajouter un point" in detail) == (actor in PREPARERS)


@pytest.mark.parametrize("actor", ACTORS)
def test_meeting_create(actors: SpaceActors, actor: str) -> None:
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/reunions/nouvelle/",
        {"title": "Commission travaux", "series": "commission", "starts_at": "2027-04-01T18:00"},
    )
    with actors.inside():
        created = Meeting.objects.filter(title="Commission travaux").first()
    if actor in READERS:
        assert response.status_code == _expected_write(actor)
    else:
        _refused_outside(response.status_code, response, actor)
    assert (created is not None) == (actor in PREPARERS)
    if created is not None:
        assert created.starts_at == datetime.datetime(2027, 4, 1, 16, 0, tzinfo=datetime.UTC)
        assert response["Location"] == f"/espaces/{actors.space.pk}/reunions/{created.pk}/"


def test_meeting_create_refuses_an_end_before_the_start(actors: SpaceActors) -> None:
    response = actors.client("editor").post(
        f"/espaces/{actors.space.pk}/reunions/nouvelle/",
        {"title": "Bureau", "starts_at": "2027-04-01T18:00", "ends_at": "2027-04-01T17:00"},
    )
    assert response.status_code == 400
    assert "La fin doit suivre le début." in response.content.decode()
    with actors.inside():
        assert not Meeting.objects.filter(title="Bureau").exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_meeting_edit(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/modifier/",
        {"title": "Conseil reporté", "starts_at": "2027-03-09T18:30", "place": "Salle des fêtes"},
    )
    with actors.inside():
        meeting.refresh_from_db()
    if actor in READERS:
        assert response.status_code == _expected_write(actor)
    else:
        _refused_outside(response.status_code, response, actor)
    assert (meeting.title == "Conseil reporté") == (actor in PREPARERS)


@pytest.mark.parametrize("actor", ACTORS)
def test_agenda_add_and_move(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    client = actors.client(actor)
    base = f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/ordre-du-jour/"
    rapporteur = actors.people["commenter"].pk
    response = client.post(base, {"title": "Cantine", "rapporteur": rapporteur})
    with actors.inside():
        added = AgendaItem.objects.filter(meeting=meeting, title="Cantine").first()
    if actor in READERS:
        assert response.status_code == _expected_write(actor)
    else:
        _refused_outside(response.status_code, response, actor)
    assert (added is not None) == (actor in PREPARERS)
    if added is not None:
        assert added.rapporteur_id == rapporteur
        client.post(f"{base}{added.pk}/deplacer/", {"direction": "up"})
        with actors.inside():
            titles = list(meeting.agenda.values_list("title", flat=True))
        assert titles == ["Cantine", "Budget primitif"]


@pytest.mark.parametrize("actor", ACTORS)
def test_attendance(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    commenter, reader = actors.people["commenter"], actors.people["reader"]
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/presences/",
        {"person": commenter.pk, "status": "proxy", "proxy_to": reader.pk},
    )
    with actors.inside():
        attendee = Attendee.objects.get(meeting=meeting, person_id=commenter.pk)
    if actor in READERS:
        assert response.status_code == _expected_write(actor)
    else:
        _refused_outside(response.status_code, response, actor)
    expected = Attendance.PROXY if actor in PREPARERS else Attendance.INVITED
    assert attendee.status == expected


@pytest.mark.parametrize("actor", ACTORS)
def test_minutes_and_decision_pages(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    with actors.inside():
        item = meeting.agenda.get()
    client = actors.client(actor)
    base = f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/points/{item.pk}/"
    written = client.post(base + "compte-rendu/", {"text": "Débat nourri."})
    decided = client.post(
        base + "decisions/",
        {
            "text": "Budget adopté",
            "votes_for": "10",
            "votes_against": "0",
            "abstentions": "1",
            "task_title": "Publier le budget",
            "assignee": actors.people["reader"].pk,
            "due_date": "2027-04-15",
        },
    )
    with actors.inside():
        minutes_text = ItemMinutes.objects.filter(item=item).values_list("text", flat=True).first()
        decision = Decision.objects.filter(item=item).select_related("task").first()
    for response in (written, decided):
        if actor in READERS:
            assert response.status_code == _expected_write(actor)
        else:
            _refused_outside(response.status_code, response, actor)
    assert (minutes_text == "Débat nourri.") == (actor in PREPARERS)
    assert (decision is not None) == (actor in PREPARERS)
    if decision is not None:
        assert decision.task is not None
        assert decision.task.title == "Publier le budget"


@pytest.mark.parametrize("actor", ACTORS)
def test_minutes_submit_and_approve(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    approver = actors.people["commenter"]
    client = actors.client(actor)
    base = f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/proces-verbal/"
    submitted = client.post(base + "soumettre/", {"approvers": [approver.pk]})
    if actor in READERS:
        assert submitted.status_code == _expected_write(actor)
    else:
        _refused_outside(submitted.status_code, submitted, actor)
    with actors.inside():
        state = Minutes.objects.filter(meeting=meeting).values_list("state", flat=True).first()
    assert (state == MinutesState.SUBMITTED) == (actor in PREPARERS)
    if actor in PREPARERS:
        approved = actors.client("commenter").post(base + "approuver/")
        assert approved.status_code == 302
        with actors.inside():
            assert Minutes.objects.get(meeting=meeting).state == MinutesState.APPROVED


@pytest.mark.parametrize("actor", ACTORS)
def test_convene(actors: SpaceActors, actor: str) -> None:
    meeting = _meeting(actors)
    before = OutboxEvent.objects.filter(name="meeting.convocation").count()
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/convoquer/"
    )
    if actor in READERS:
        assert response.status_code == _expected_write(actor)
    else:
        _refused_outside(response.status_code, response, actor)
    after = OutboxEvent.objects.filter(name="meeting.convocation").count()
    assert after - before == (1 if actor in PREPARERS else 0)
