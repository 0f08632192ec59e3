"""Meetings elsewhere: notifications, « Mon travail », search."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from entente.meetings import minutes, services
from entente.meetings.search import meeting_entries
from entente.meetings.services import MeetingSpec
from entente.mywork.selectors import MEETING, MINUTES, filter_items, my_work
from entente.notifications import services as notifications
from entente.notifications.models import Notification, NotificationKind
from entente.outbox.models import OutboxEvent
from tests.support.acting import member
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db


def _deliver(name: str) -> list[notifications.Made]:
    event = OutboxEvent.objects.filter(name=name).latest("id")
    return notifications.create_for_event(
        event.name,
        event.tenant_schema,
        list(event.user_ids),
        event.payload,
        event.space_id,
        str(event.pk),
    )


def test_convocation_agenda_and_minutes_notify_the_people_concerned(actors: SpaceActors) -> None:
    editor, reader, commenter = (actors.people[k] for k in ("editor", "reader", "commenter"))
    soon = timezone.now() + datetime.timedelta(hours=2)
    with actors.inside():
        acting = member(editor, actors.tenant)
        meeting = services.create_meeting(
            acting, space=actors.space, spec=MeetingSpec("Bureau du lundi", soon)
        )
        item = services.add_agenda_item(acting, meeting, title="Budget")
        assert not OutboxEvent.objects.filter(name="meeting.agenda_changed").exists()
        services.send_convocation(acting, meeting)
        services.add_agenda_item(acting, meeting, title="Questions diverses")
        services.move_agenda_item(acting, item, up=False)
    _deliver("meeting.convocation")
    _deliver("meeting.agenda_changed")
    _deliver("meeting.agenda_changed")  # the same day: still one notice
    with actors.inside():
        minutes.write_item_minutes(acting, item, text="Budget voté.")
        minutes.submit_minutes(acting, meeting, approver_ids=[commenter.pk])
    _deliver("meeting.minutes_to_approve")
    kinds = {
        (n.user_id, n.kind)
        for n in Notification.objects.filter(object_type="meeting", object_id=meeting.pk)
    }
    assert (reader.pk, NotificationKind.MEETING_CONVOCATION) in kinds
    assert (reader.pk, NotificationKind.MEETING_AGENDA) in kinds
    assert (commenter.pk, NotificationKind.MINUTES_TO_APPROVE) in kinds
    assert (reader.pk, NotificationKind.MINUTES_TO_APPROVE) not in kinds
    assert not any(user == editor.pk for user, _kind in kinds)  # never the one who acted
    assert (
        Notification.objects.filter(user=reader, kind=NotificationKind.MEETING_AGENDA).count() == 1
    )
    outsider = actors.people["staff"]  # not in the space: nothing, even if named
    assert not Notification.objects.filter(user=outsider, object_type="meeting").exists()

    # Mon travail: the week's meeting for the invited, the minutes for the approver.
    week = timezone.localdate(soon)
    reader_work = my_work(reader, today=week)
    assert [(i.kind, i.object_id) for i in reader_work if i.kind == MEETING] == [
        (MEETING, meeting.pk)
    ]
    assert f"/reunions/{meeting.pk}/" in reader_work[0].url
    awaiting = [i for i in my_work(commenter, today=week) if i.kind == MINUTES]
    assert [i.object_id for i in awaiting] == [meeting.pk]
    assert len(filter_items(my_work(commenter, today=week), "meetings")) == 2
    assert not [i for i in my_work(outsider, today=week) if i.kind in (MEETING, MINUTES)]


def test_search_entries_hold_agenda_minutes_and_decisions(actors: SpaceActors) -> None:
    with actors.inside():
        acting = member(actors.people["editor"], actors.tenant)
        meeting = services.create_meeting(
            acting,
            space=actors.space,
            spec=MeetingSpec("Commission voirie", timezone.now(), place="Salle du conseil"),
        )
        item = services.add_agenda_item(acting, meeting, title="Chemin des Aulnes")
        minutes.write_item_minutes(acting, item, text="Le revêtement est très abîmé.")
        minutes.record_decision(acting, item, text="Refaire la chaussée en 2027")
        [entry] = meeting_entries([meeting.pk])
    assert entry.kind == "meeting"
    assert entry.section == "meetings"
    assert entry.space_id == actors.space.pk
    for words in ("Chemin des Aulnes", "revêtement", "Refaire la chaussée", "Salle du conseil"):
        assert words in entry.body
