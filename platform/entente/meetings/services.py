"""Writes of meetings, their attendees and their agenda, in the current tenant's schema.

Every function takes the acting party first and authorizes itself (`permissions`): the space's
editors prepare a meeting, nobody else writes. Each write records an activity entry (which the
space's live feed announces) and, for people concerned, an event after commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.activity.services import record_in_space
from entente.core.events import Event, publish_on_commit
from entente.spaces.models import Space, SpaceMembership

from .models import AgendaItem, Attendance, Attendee, Meeting, Minutes, MinutesState, Series
from .permissions import meeting_abilities


@dataclass(frozen=True)
class MeetingSpec:
    """A meeting's fields, as a form or the API gives them."""

    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None = None
    series: str = ""
    place: str = ""
    video_url: str = ""


def require_edit(acting: Acting, space: Space) -> None:
    if not meeting_abilities(acting, space).edit:
        raise PermissionDenied(_("Seuls les éditeurs de l'espace préparent ses réunions."))


def require_record_open(meeting: Meeting) -> None:
    """Once its minutes are submitted, a meeting's record (date, attendance, agenda) is kept."""
    if Minutes.objects.filter(meeting=meeting).exclude(state=MinutesState.DRAFT).exists():
        raise ValidationError(
            _("Le procès-verbal est soumis ou approuvé : la réunion ne peut plus être modifiée.")
        )


def _clean(spec: MeetingSpec) -> MeetingSpec:
    errors: dict[str, str] = {}
    title = spec.title.strip()
    if not title:
        errors["title"] = _("Donnez un intitulé à la réunion.")
    if spec.series not in Series.values:
        errors["series"] = _("Cette série n'existe pas.")
    if spec.ends_at is not None and spec.ends_at <= spec.starts_at:
        errors["ends_at"] = _("La fin doit suivre le début.")
    if errors:
        raise ValidationError(errors)
    return MeetingSpec(
        title=title[:200],
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        series=spec.series,
        place=spec.place.strip()[:200],
        video_url=spec.video_url.strip(),
    )


def record_meeting(acting: Acting, meeting: Meeting, verb: str, summary: str) -> None:
    """A line about the meeting in its space's activity feed."""
    record_in_space(
        acting.user, verb, meeting.space_id, summary, object_type="meeting", object_id=meeting.pk
    )


def announce(
    name: str, meeting: Meeting, user_ids: list[int], *, actor: Acting | None = None
) -> None:
    user = actor.user if actor is not None else None
    publish_on_commit(
        Event(
            name=name,
            tenant_schema=connection.schema_name,  # type: ignore[attr-defined]
            space_id=meeting.space_id,
            user_ids=tuple(user_ids),
            payload={
                "meeting_id": meeting.pk,
                "title": meeting.title,
                "actor_id": user.pk if user is not None else None,
            },
        )
    )


def agenda_changed(acting: Acting, meeting: Meeting) -> None:
    """Once convened, the invited hear that the agenda changed (one notice a day)."""
    if meeting.convened_at is not None:
        invited = sorted(meeting.attendees.values_list("person_id", flat=True))
        announce("meeting.agenda_changed", meeting, invited, actor=acting)


@transaction.atomic
def create_meeting(
    acting: Acting, *, space: Space, spec: MeetingSpec, invitee_ids: list[int] | None = None
) -> Meeting:
    """Schedule a meeting; `invitee_ids` default to the space's members (all invited)."""
    require_edit(acting, space)
    spec = _clean(spec)
    members = set(SpaceMembership.objects.filter(space=space).values_list("user_id", flat=True))
    invited = members if invitee_ids is None else set(invitee_ids)
    if not invited <= members:
        raise ValidationError({"invitee_ids": _("Seuls les membres de l'espace sont invités.")})
    meeting = Meeting.objects.create(
        space=space,
        title=spec.title,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        series=spec.series,
        place=spec.place,
        video_url=spec.video_url,
        created_by=acting.user,
    )
    Attendee.objects.bulk_create(Attendee(meeting=meeting, person_id=pk) for pk in sorted(invited))
    record_meeting(
        acting,
        meeting,
        "meeting.created",
        _("Réunion programmée : %(title)s") % {"title": meeting.title},
    )
    announce("meeting.scheduled", meeting, sorted(invited))
    return meeting


@transaction.atomic
def update_meeting(acting: Acting, meeting: Meeting, spec: MeetingSpec) -> Meeting:
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    spec = _clean(spec)
    for name in ("title", "starts_at", "ends_at", "series", "place", "video_url"):
        setattr(meeting, name, getattr(spec, name))
    meeting.save()
    record_meeting(
        acting,
        meeting,
        "meeting.updated",
        _("Réunion modifiée : %(title)s") % {"title": meeting.title},
    )
    invited = list(meeting.attendees.values_list("person_id", flat=True))
    announce("meeting.updated", meeting, invited)
    return meeting


@transaction.atomic
def set_attendance(
    acting: Acting,
    meeting: Meeting,
    *,
    person_id: int,
    status: str,
    proxy_to_id: int | None = None,
) -> Attendee:
    """Record whether an invited person came, was excused, absent or gave a proxy."""
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    attendee = Attendee.objects.filter(meeting=meeting, person_id=person_id).first()
    if attendee is None:
        raise ValidationError({"person_id": _("Cette personne n'est pas invitée.")})
    if status not in Attendance.values:
        raise ValidationError({"status": _("Cette présence n'existe pas.")})
    if status == Attendance.PROXY:
        holders = set(meeting.attendees.values_list("person_id", flat=True)) - {person_id}
        if proxy_to_id not in holders:
            raise ValidationError(
                {"proxy_to_id": _("Le pouvoir est donné à une autre personne invitée.")}
            )
    else:
        proxy_to_id = None
    attendee.status = status
    attendee.proxy_to_id = proxy_to_id
    attendee.save(update_fields=["status", "proxy_to"])
    return attendee


def _require_person_in_space(meeting: Meeting, person_id: int | None) -> None:
    if person_id is not None and not (
        SpaceMembership.objects.filter(space_id=meeting.space_id, user_id=person_id).exists()
    ):
        raise ValidationError({"rapporteur_id": _("Le rapporteur est un membre de l'espace.")})


@transaction.atomic
def add_agenda_item(
    acting: Acting,
    meeting: Meeting,
    *,
    title: str,
    rapporteur_id: int | None = None,
    notes: str = "",
) -> AgendaItem:
    """Append an item to the agenda (editors co-write it before the meeting)."""
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Donnez un intitulé au point.")})
    _require_person_in_space(meeting, rapporteur_id)
    last = meeting.agenda.aggregate(last=Max("position"))["last"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=0 if last is None else last + 1,
        title=title[:300],
        notes=notes.strip(),
        rapporteur_id=rapporteur_id,
    )
    record_meeting(
        acting,
        meeting,
        "meeting.agenda_item_added",
        _("Point ajouté à l'ordre du jour de %(meeting)s : %(title)s")
        % {"meeting": meeting.title, "title": item.title},
    )
    agenda_changed(acting, meeting)
    return item


@transaction.atomic
def move_agenda_item(acting: Acting, item: AgendaItem, *, up: bool) -> None:
    """Swap the item with its neighbour above or below; at either end, nothing moves."""
    meeting = item.meeting
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    items = list(meeting.agenda.select_for_update().order_by("position", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    agenda_changed(acting, meeting)


@transaction.atomic
def send_convocation(acting: Acting, meeting: Meeting) -> list[int]:
    """Convene the invited: their e-mail with the .ics leaves after commit (the outbox)."""
    require_edit(acting, meeting.space)
    invited = sorted(meeting.attendees.values_list("person_id", flat=True))
    if not invited:
        raise ValidationError(_("Personne n'est invité à cette réunion."))
    record_meeting(
        acting,
        meeting,
        "meeting.convened",
        _("Convocation envoyée : %(title)s") % {"title": meeting.title},
    )
    meeting.convened_at = timezone.now()
    meeting.save(update_fields=["convened_at", "updated_at"])
    announce("meeting.convocation", meeting, invited, actor=acting)
    return invited
