"""Approved minutes shared with the attendees: one e-mail each, after commit, through a real
SMTP server, with the procès-verbal as a PDF parsed back; sent once; an élu's mail holds their
personal link; an in-app notice as well."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from entente.meetings import minutes, pdf, services, sharing
from entente.meetings.models import Attendance, Meeting, Minutes
from entente.meetings.services import MeetingSpec
from entente.notifications import services as notifications
from entente.notifications.models import Notification, NotificationKind
from entente.outbox.models import OutboxEvent
from entente.outbox.relay import relay_batch
from tests.support.acting import member, seeding
from tests.support.actors import SpaceActors
from tests.support.smtp import Mailbox

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 17, 30, tzinfo=datetime.UTC)
LINK = re.compile(r"https?://\S+/mes-seances/acces/[^/\s]+/")
needs_pdf = pytest.mark.skipif(bool(pdf.available()), reason=f"weasyprint: {pdf.available()}")


def _approved_council(actors: SpaceActors) -> Meeting:
    """A council of the space's members (the guest included), approved by the editor and the
    élu (the commenter): the last approval freezes it."""
    editor, elu = actors.people["editor"], actors.people["commenter"]
    acting = seeding(editor)
    with actors.inside():
        meeting = services.create_meeting(
            acting,
            space=actors.space,
            spec=MeetingSpec("Conseil de mars", START, series="conseil", place="Salle du conseil"),
        )
        item = services.add_agenda_item(acting, meeting, title="Voirie")
        minutes.write_item_minutes(acting, item, text="Débat sur la rue des Écoles.")
        minutes.record_decision(acting, item, text="Travaux adoptés.", votes=(12, 2, 1))
        services.set_attendance(
            acting, meeting, person_id=actors.people["reader"].pk, status=Attendance.PRESENT
        )
        minutes.submit_minutes(acting, meeting, approver_ids=[editor.pk, elu.pk])
        minutes.approve_minutes(member(editor, actors.tenant), meeting)
        assert not OutboxEvent.objects.filter(name=minutes.MINUTES_APPROVED).exists()
        minutes.approve_minutes(member(elu, actors.tenant), meeting)
    return meeting


@needs_pdf
def test_the_attendees_receive_the_approved_minutes_as_a_pdf(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    meeting = _approved_council(actors)
    relay_batch()
    message = smtp_server.wait_for(actors.people["reader"].email)[0]
    assert "Procès-verbal approuvé : Conseil de mars" in message["Subject"]
    body = Mailbox.text_of(message)
    assert f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/" in body
    assert "pièce jointe" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "proces-verbal-2027-03-02.pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Conseil de mars" in text
    assert "Approuvé le" in text
    assert "Débat sur la rue des Écoles." in text
    assert "Léa Martin" in text  # the attendance, present
    # Every attendee who may read the meeting: the approvers too.
    smtp_server.wait_for(actors.people["editor"].email)
    smtp_server.wait_for(actors.people["commenter"].email)


def test_the_minutes_are_mailed_once_however_often_the_event_comes(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    meeting = _approved_council(actors)
    relay_batch()
    smtp_server.wait_for(actors.people["reader"].email)
    count = len(smtp_server.messages)
    event = OutboxEvent.objects.get(name=minutes.MINUTES_APPROVED)
    with actors.inside():
        again = sharing.share_minutes(actors.tenant, meeting.pk, list(event.user_ids))
        shared_at = Minutes.objects.get(meeting=meeting).shared_at
    relay_batch()
    assert again == 0
    assert shared_at is not None
    assert len(smtp_server.messages) == count == 3  # editor, élu, reader


def test_non_attendees_and_those_who_may_not_read_the_meeting_get_nothing(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    _approved_council(actors)
    relay_batch()
    smtp_server.wait_for(actors.people["reader"].email)
    assert not smtp_server.to(actors.people["staff"].email)  # not in the space, not invited
    assert not smtp_server.to(actors.people["admin"].email)  # may read, was not invited
    # The guest was invited with the space's members, but a private space is closed to them.
    assert not smtp_server.to(actors.people["guest"].email)
    assert not smtp_server.to(actors.people["outsider"].email)


def test_draft_or_submitted_minutes_are_not_shared(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    editor = actors.people["editor"]
    with actors.inside():
        meeting = services.create_meeting(
            seeding(editor), space=actors.space, spec=MeetingSpec("Bureau", START)
        )
        minutes.submit_minutes(seeding(editor), meeting, approver_ids=[editor.pk])
        sent = sharing.share_minutes(actors.tenant, meeting.pk, [editor.pk])
    relay_batch()
    assert sent == 0
    assert smtp_server.messages == []


def test_an_elus_mail_holds_their_personal_link_an_agents_does_not(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    _approved_council(actors)
    relay_batch()
    elu_mail = Mailbox.text_of(smtp_server.wait_for(actors.people["commenter"].email)[0])
    agent_mail = Mailbox.text_of(smtp_server.wait_for(actors.people["reader"].email)[0])
    assert len(LINK.findall(elu_mail)) == 1
    assert "Mes séances, en un clic" in elu_mail
    assert "/mes-seances/" not in agent_mail


def test_the_attendees_are_notified_in_the_app_but_not_the_last_approver(
    actors: SpaceActors,
) -> None:
    meeting = _approved_council(actors)
    event = OutboxEvent.objects.get(name=minutes.MINUTES_APPROVED)
    for _time in range(2):  # delivered twice: still one notice each
        notifications.create_for_event(
            event.name,
            event.tenant_schema,
            list(event.user_ids),
            event.payload,
            event.space_id,
            str(event.pk),
        )
    notified = sorted(
        Notification.objects.filter(
            kind=NotificationKind.MINUTES_APPROVED, object_id=meeting.pk
        ).values_list("user_id", flat=True)
    )
    assert notified == sorted([actors.people["editor"].pk, actors.people["reader"].pk])
