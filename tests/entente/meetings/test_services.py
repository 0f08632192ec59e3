"""Meeting services: who may prepare, what they write, the agenda's order and attendance."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entente.activity.models import ActivityEntry
from entente.meetings import services
from entente.meetings.models import Attendance, Attendee, Meeting
from entente.meetings.services import MeetingSpec
from entente.outbox.models import OutboxEvent
from tests.support.acting import member, seeding
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 18, 30, tzinfo=datetime.UTC)


def _meeting(actors: SpaceActors) -> Meeting:
    return services.create_meeting(
        seeding(actors.people["editor"]),
        space=actors.space,
        spec=MeetingSpec("Conseil municipal de mars", START, series="conseil", place="Mairie"),
    )


def test_an_editor_schedules_a_meeting_and_the_members_are_invited(actors: SpaceActors) -> None:
    editor = actors.people["editor"]
    with actors.inside():
        meeting = services.create_meeting(
            member(editor, actors.tenant),
            space=actors.space,
            spec=MeetingSpec("  Bureau  ", START, series="bureau"),
        )
        invited = set(Attendee.objects.filter(meeting=meeting).values_list("person_id", flat=True))
        entry = ActivityEntry.objects.get(verb="meeting.created", object_id=meeting.pk)
    assert meeting.title == "Bureau"
    assert invited == {actors.people[k].pk for k in ("editor", "commenter", "reader", "guest")}
    assert entry.space_id == actors.space.pk
    event = OutboxEvent.objects.filter(name="meeting.scheduled").latest("id")
    assert sorted(event.user_ids) == sorted(invited)


@pytest.mark.parametrize("actor", ["commenter", "reader", "staff", "guest", "outsider"])
def test_only_editors_prepare(actors: SpaceActors, actor: str) -> None:
    with actors.inside():
        meeting = _meeting(actors)
        acting = member(
            actors.people[actor], actors.other_tenant if actor == "outsider" else actors.tenant
        )
        with pytest.raises(PermissionDenied):
            services.create_meeting(acting, space=actors.space, spec=MeetingSpec("Autre", START))
        with pytest.raises(PermissionDenied):
            services.add_agenda_item(acting, meeting, title="Budget")
        assert Meeting.objects.count() == 1
        assert not meeting.agenda.exists()


def test_a_meeting_cannot_end_before_it_starts(actors: SpaceActors) -> None:
    with actors.inside(), pytest.raises(ValidationError) as error:
        services.create_meeting(
            seeding(actors.people["editor"]),
            space=actors.space,
            spec=MeetingSpec("Bureau", START, ends_at=START - datetime.timedelta(hours=1)),
        )
    assert "ends_at" in error.value.error_dict


def test_the_agenda_keeps_its_order_and_moves_items(actors: SpaceActors) -> None:
    acting = seeding(actors.people["editor"])
    with actors.inside():
        meeting = _meeting(actors)
        budget = services.add_agenda_item(
            acting, meeting, title="Budget", rapporteur_id=actors.people["commenter"].pk
        )
        services.add_agenda_item(acting, meeting, title="Voirie")
        cantine = services.add_agenda_item(acting, meeting, title="Cantine")
        services.move_agenda_item(acting, cantine, up=True)
        services.move_agenda_item(acting, budget, up=True)  # already first: nothing moves
        titles = list(meeting.agenda.order_by("position").values_list("title", flat=True))
    assert titles == ["Budget", "Cantine", "Voirie"]


def test_a_rapporteur_is_a_member_of_the_space(actors: SpaceActors) -> None:
    with actors.inside():
        meeting = _meeting(actors)
        with pytest.raises(ValidationError):
            services.add_agenda_item(
                seeding(actors.people["editor"]),
                meeting,
                title="Budget",
                rapporteur_id=actors.people["staff"].pk,
            )
        assert not meeting.agenda.exists()


def test_attendance_and_proxy(actors: SpaceActors) -> None:
    acting = seeding(actors.people["editor"])
    commenter, reader = actors.people["commenter"], actors.people["reader"]
    with actors.inside():
        meeting = _meeting(actors)
        with pytest.raises(ValidationError):  # a proxy names another invited person
            services.set_attendance(
                acting, meeting, person_id=commenter.pk, status=Attendance.PROXY
            )
        services.set_attendance(
            acting, meeting, person_id=commenter.pk, status=Attendance.PROXY, proxy_to_id=reader.pk
        )
        services.set_attendance(acting, meeting, person_id=reader.pk, status=Attendance.PRESENT)
        with pytest.raises(ValidationError):  # not invited
            services.set_attendance(
                acting, meeting, person_id=actors.people["staff"].pk, status=Attendance.PRESENT
            )
        rows = dict(meeting.attendees.values_list("person_id", "status"))
        proxy = meeting.attendees.get(person_id=commenter.pk).proxy_to_id
    assert rows[commenter.pk] == Attendance.PROXY
    assert proxy == reader.pk
    assert rows[reader.pk] == Attendance.PRESENT
