"""/api/v1/spaces/<id>/meetings/…: every actor, then a council from agenda to approval."""

from __future__ import annotations

import datetime

import pytest

from entente.meetings import minutes, services
from entente.meetings.models import AgendaItem, Meeting
from entente.meetings.services import MeetingSpec
from entente.tasks.models import Task
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 17, 30, tzinfo=datetime.UTC)
READ = {"editor": 200, "commenter": 200, "reader": 200, "admin": 200, "staff": 404, "guest": 404}
OUTSIDE = {"anonymous": 401, "outsider": 403}
JSON = "application/json"


def _meeting(actors: SpaceActors) -> tuple[Meeting, AgendaItem]:
    with actors.inside():
        acting = seeding(actors.people["editor"])
        meeting = services.create_meeting(
            acting, space=actors.space, spec=MeetingSpec("Conseil de mars", START, series="conseil")
        )
        return meeting, services.add_agenda_item(acting, meeting, title="Budget")


def test_every_actor_reads_and_writes_as_the_space_allows(actors: SpaceActors) -> None:
    meeting, _item = _meeting(actors)
    base = f"/api/v1/spaces/{actors.space.pk}/meetings/"
    for actor in ACTORS:
        client = actors.client(actor)
        listed = client.get(base)
        detail = client.get(f"{base}{meeting.pk}/")
        added = client.post(f"{base}{meeting.pk}/agenda/", {"title": "Divers"}, content_type=JSON)
        expected = OUTSIDE.get(actor) or READ[actor]
        assert (listed.status_code, detail.status_code) == (expected, expected), actor
        if expected == 200:
            assert listed.json()["results"][0]["title"] == "Conseil de mars"
            assert detail.json()["agenda"][0]["title"] == "Budget"
        write = 201 if actor in {"editor", "admin"} else (403 if expected == 200 else expected)
        assert added.status_code == write, actor
        assert set(added.json()) >= ({"detail", "code"} if write != 201 else {"id"})
    assert actors.client("editor").get(f"{base}999999/").status_code == 404


def test_a_council_from_agenda_to_approved_minutes(actors: SpaceActors) -> None:
    editor, commenter, reader = (actors.people[k] for k in ("editor", "commenter", "reader"))
    base = f"/api/v1/spaces/{actors.space.pk}/meetings/"
    client = actors.client("editor")
    created = client.post(
        base,
        {"title": "Conseil d'avril", "starts_at": "2027-04-06T18:00:00+02:00", "series": "conseil"},
        content_type=JSON,
    )
    assert created.status_code == 201
    url = f"{base}{created.json()['id']}/"
    item = client.post(url + "agenda/", {"title": "Voirie"}, content_type=JSON).json()
    present = client.post(
        url + "attendance/",
        {"person_id": reader.pk, "status": "proxy", "proxy_to_id": commenter.pk},
        content_type=JSON,
    )
    assert present.json() == {
        "person_id": reader.pk,
        "status": "proxy",
        "proxy_to_id": commenter.pk,
    }
    decisions = url + f"agenda/{item['id']}/decisions/"
    unvoted = client.post(decisions, {"text": "Refaire la rue"}, content_type=JSON)
    assert unvoted.status_code == 400
    decided = client.post(
        decisions,
        {
            "text": "Refaire la rue",
            "votes_for": 10,
            "votes_against": 1,
            "abstentions": 0,
            "task_title": "Demander des devis",
            "assignee_id": reader.pk,
            "due_date": "2027-05-01",
        },
        content_type=JSON,
    )
    assert decided.status_code == 201
    with actors.inside():
        task = Task.objects.get(pk=decided.json()["task_id"])
        meeting = Meeting.objects.get(pk=created.json()["id"])
        minutes.submit_minutes(seeding(editor), meeting, approver_ids=[commenter.pk])
    assert task.due_date == datetime.date(2027, 5, 1)
    assert actors.client("reader").post(url + "minutes/approve/").status_code == 403
    approved = actors.client("commenter").post(url + "minutes/approve/")
    assert approved.status_code == 200
    assert approved.json()["minutes"]["state"] == "approved"
    frozen = client.post(url + "agenda/", {"title": "Trop tard"}, content_type=JSON)
    assert frozen.status_code == 400
    assert frozen.json()["code"]
