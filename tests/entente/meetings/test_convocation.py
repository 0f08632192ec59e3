"""Convocation: one e-mail per invited person, through a real SMTP server, with an .ics that
parses back (RFC 5545, Europe/Paris)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import PermissionDenied

from entente.meetings import services
from entente.meetings.services import MeetingSpec
from entente.outbox.relay import relay_batch
from tests.support.acting import member, seeding
from tests.support.actors import SpaceActors
from tests.support.smtp import Mailbox

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 17, 30, tzinfo=datetime.UTC)  # 18 h 30 in Paris


def test_the_invited_receive_a_convocation_with_an_ics(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    editor = actors.people["editor"]
    with actors.inside():
        meeting = services.create_meeting(
            seeding(editor),
            space=actors.space,
            spec=MeetingSpec(
                "Conseil municipal", START, series="conseil", place="Salle du conseil"
            ),
            invitee_ids=[editor.pk, actors.people["commenter"].pk],
        )
        services.send_convocation(member(editor, actors.tenant), meeting)
    relay_batch()
    message = smtp_server.wait_for(actors.people["commenter"].email)[0]
    assert not smtp_server.to(actors.people["reader"].email)  # not invited
    assert "Convocation : Conseil municipal" in message["Subject"]
    assert "Salle du conseil" in smtp_server.text_of(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "convocation.ics"
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["SUMMARY"]) == "Conseil municipal"
    assert str(event["LOCATION"]) == "Salle du conseil"
    start = event.decoded("DTSTART")
    assert start == START
    assert start.tzinfo == ZoneInfo("Europe/Paris")
    assert (start.hour, start.minute) == (18, 30)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert f"/reunions/{meeting.pk}/" in str(event["URL"])


def test_only_editors_convene(actors: SpaceActors, smtp_server: Mailbox) -> None:
    with actors.inside():
        meeting = services.create_meeting(
            seeding(actors.people["editor"]),
            space=actors.space,
            spec=MeetingSpec("Bureau", START),
        )
        with pytest.raises(PermissionDenied):
            services.send_convocation(member(actors.people["commenter"], actors.tenant), meeting)
    relay_batch()
    assert smtp_server.messages == []
