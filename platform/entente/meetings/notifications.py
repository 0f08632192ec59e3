"""What meetings' events mean for whom: convocation, agenda changed, minutes to approve and
approved.

Registered in `MeetingsConfig.ready()` (see `entente.notifications.registry`). The people the
publisher named (the invited, the approvers) hear of it while they may still see the space;
never the person who acted.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence

from .models import Meeting

CONVOCATION = "meeting.convocation"
AGENDA_CHANGED = "meeting.agenda_changed"
MINUTES_TO_APPROVE = "meeting.minutes_to_approve"
MINUTES_APPROVED = "meeting.minutes_approved"


def _meeting(event: Occurrence) -> Meeting | None:
    return Meeting.objects.select_related("space").filter(pk=event.id("meeting_id")).first()


def _draft(event: Occurrence, meeting: Meeting, kind: str, title: str) -> Draft:
    return Draft(
        kind=kind,
        title=title,
        url=event.url("meetings:meeting_detail", space_id=meeting.space_id, pk=meeting.pk),
        space_id=meeting.space_id,
        object_type="meeting",
        object_id=meeting.pk,
    )


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y %H:%M")


def _convocation(event: Occurrence) -> list[Notice]:
    meeting = _meeting(event)
    if meeting is None:
        return []
    title = _("Vous êtes convoqué à « %(title)s » le %(when)s") % {
        "title": meeting.title,
        "when": _when(meeting),
    }
    return [
        Notice(
            draft=_draft(event, meeting, NotificationKind.MEETING_CONVOCATION, title),
            recipients=event.viewers_among(event.user_ids, meeting.space),
            dedup_key=event.key("meeting.convocation", meeting.pk, event.event_key),
            actor=event.person("actor_id"),
        )
    ]


def _agenda_changed(event: Occurrence) -> list[Notice]:
    """One notification per meeting and day, however many items changed that day."""
    meeting = _meeting(event)
    if meeting is None:
        return []
    title = _("L'ordre du jour de « %(title)s » a changé") % {"title": meeting.title}
    return [
        Notice(
            draft=_draft(event, meeting, NotificationKind.MEETING_AGENDA, title),
            recipients=event.viewers_among(event.user_ids, meeting.space),
            dedup_key=event.key("meeting.agenda", meeting.pk, timezone.localdate()),
            actor=event.person("actor_id"),
        )
    ]


def _minutes_to_approve(event: Occurrence) -> list[Notice]:
    meeting = _meeting(event)
    if meeting is None:
        return []
    title = _("Le procès-verbal de « %(title)s » attend votre approbation") % {
        "title": meeting.title
    }
    return [
        Notice(
            draft=_draft(event, meeting, NotificationKind.MINUTES_TO_APPROVE, title),
            recipients=event.viewers_among(event.user_ids, meeting.space),
            dedup_key=event.key("meeting.minutes", meeting.pk),
            actor=event.person("actor_id"),
        )
    ]


def _minutes_approved(event: Occurrence) -> list[Notice]:
    """The attendees who may read the meeting (as for the e-mail, `sharing.readers_among`)."""
    from .sharing import readers_among  # sharing imports the minutes' services

    meeting = _meeting(event)
    if meeting is None:
        return []
    title = _("Le procès-verbal de « %(title)s » est approuvé") % {"title": meeting.title}
    readers = {user.pk for user in readers_among(event.tenant, meeting, list(event.user_ids))}
    return [
        Notice(
            draft=_draft(event, meeting, NotificationKind.MINUTES_APPROVED, title),
            recipients=event.viewers_among(readers, meeting.space),
            dedup_key=event.key("meeting.minutes_approved", meeting.pk),
            actor=event.person("actor_id"),
        )
    ]


HANDLERS = (
    EventHandler(CONVOCATION, _convocation),
    EventHandler(AGENDA_CHANGED, _agenda_changed),
    EventHandler(MINUTES_TO_APPROVE, _minutes_to_approve),
    EventHandler(MINUTES_APPROVED, _minutes_approved),
)
