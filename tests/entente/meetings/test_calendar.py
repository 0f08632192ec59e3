"""The person's calendar page and private iCal feed: only what they may open, parsed back."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from entente.meetings import feed, services
from entente.meetings.models import FeedToken
from entente.meetings.services import MeetingSpec
from entente.spaces.models import Space, SpaceMembership, Visibility
from entente.tasks.services import create_task
from tests.support.acting import member, seeding
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db


def _soon(days: int, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 30), ZoneInfo("Europe/Paris"))


def _world(actors: SpaceActors) -> Space:
    """A council in the private space, a bureau in another private space of the editor only,
    and a task due for the reader."""
    editor, reader = actors.people["editor"], actors.people["reader"]
    with actors.inside():
        services.create_meeting(
            seeding(editor), space=actors.space, spec=MeetingSpec("Conseil privé", _soon(3))
        )
        other = Space.objects.create(name="Direction", visibility=Visibility.PRIVATE)
        SpaceMembership.objects.create(space=other, user=editor, role="editor")
        services.create_meeting(
            seeding(editor), space=other, spec=MeetingSpec("Bureau secret", _soon(4))
        )
        create_task(
            seeding(editor),
            space=actors.space,
            title="Préparer la salle",
            assignee_ids=[reader.pk],
            due_date=timezone.localdate() + datetime.timedelta(days=2),
        )
    return other


SEES_COUNCIL = {"editor", "commenter", "reader", "admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_the_calendar_page(actors: SpaceActors, actor: str) -> None:
    _world(actors)
    month = _soon(3).strftime("%Y-%m")
    response = actors.client(actor).get(f"/mon-calendrier/?mois={month}&vue=liste")
    if actor == "anonymous":
        assert response.status_code == 302
        return
    if actor == "outsider":
        assert response.status_code == 403
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert ("Conseil privé" in page) == (actor in SEES_COUNCIL)
    assert ("Bureau secret" in page) == (actor in {"editor", "admin"})
    assert ("Préparer la salle" in page) == (actor == "reader")


def _feed(actors: SpaceActors, actor: str) -> str:
    with actors.inside():
        return feed.issue_feed_token(member(actors.people[actor], actors.tenant))


def test_the_feed_lists_what_the_person_may_open(actors: SpaceActors) -> None:
    _world(actors)
    token = _feed(actors, "reader")
    with actors.inside():
        stored = FeedToken.objects.get(person_id=actors.people["reader"].pk)
    response = actors.client("anonymous").get(f"/calendrier/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert stored.token_hash != token  # only its hash is kept
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Conseil privé", "Échéance : Préparer la salle"}
    start = events["Conseil privé"].decoded("DTSTART")
    assert start.tzinfo == ZoneInfo("Europe/Paris")
    assert (start.hour, start.minute) == (18, 30)
    assert events["Échéance : Préparer la salle"].decoded("DTSTART") == (
        timezone.localdate() + datetime.timedelta(days=2)
    )
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    again = actors.client("anonymous").get(
        f"/calendrier/{token}.ics", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_a_revoked_or_replaced_token_is_refused(actors: SpaceActors) -> None:
    _world(actors)
    first = _feed(actors, "reader")
    second = _feed(actors, "reader")  # a new address stops the old one
    client = actors.client("anonymous")
    assert client.get(f"/calendrier/{first}.ics").status_code == 404
    assert client.get(f"/calendrier/{second}.ics").status_code == 200
    response = actors.client("reader").post("/mon-calendrier/flux/", {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(f"/calendrier/{second}.ics").status_code == 404
    assert client.get("/calendrier/pas-un-jeton.ics").status_code == 404


def test_nothing_of_a_space_the_person_left(actors: SpaceActors) -> None:
    _world(actors)
    token = _feed(actors, "commenter")
    client = actors.client("anonymous")
    assert b"Conseil priv" in client.get(f"/calendrier/{token}.ics").content
    with actors.inside():
        SpaceMembership.objects.filter(user=actors.people["commenter"]).delete()
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendrier/{token}.ics").content)
    assert calendar.walk("VEVENT") == []


def test_a_token_of_one_tenant_opens_nothing_in_another(actors: SpaceActors) -> None:
    _world(actors)
    token = _feed(actors, "editor")
    response = actors.client_for(actors.other_tenant).get(f"/calendrier/{token}.ics")
    assert response.status_code == 404


def test_issuing_a_feed_through_the_page_shows_its_address_once(actors: SpaceActors) -> None:
    response = actors.client("reader").post(
        "/mon-calendrier/flux/", {"action": "issue"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "/calendrier/" in page
    assert "Un flux privé est actif" in page
    with actors.inside():
        assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1
