"""What the spaces' events mean for whom: handlers registered with `entente.notifications`.

Registered in `SpacesConfig.ready()` (see `entente.notifications.registry`): the arrival in a
space. The shapes here (a notification about a space, an arrival) serve the apps that publish
space events of their own: federation spaces, the citizens' invitations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, who

from .models import Space, SpaceMembership


def event_space(event: Occurrence) -> Space | None:
    """The event's space: the one it was published in, else the one its payload names."""
    return Space.objects.filter(pk=event.space_id or event.id("space_id")).first()


def space_draft(event: Occurrence, space: Space, kind: str, title: str, **more: Any) -> Draft:
    """A notification about `space`, linking to its page unless `more` says otherwise."""
    fields: dict[str, Any] = {
        "url": event.url("spaces:detail", space_id=space.pk),
        "object_type": "space",
        "object_id": space.pk,
        **more,
    }
    return Draft(kind=kind, title=title, space_id=space.pk, **fields)


def added_to_space(event: Occurrence, space: Space, user_ids: Iterable[int]) -> list[Notice]:
    """The people added to a space hear of it, keyed by space and day: the same arrival
    announced by two sources (the activity entry, another publisher) makes one row."""
    actor = event.person("actor_id")
    title = _("%(who)s vous a ajouté à l'espace « %(name)s »") % {
        "who": who(actor),
        "name": space.name,
    }
    return [
        Notice(
            draft=space_draft(event, space, NotificationKind.SPACE_INVITED, title),
            recipients=event.viewers_among(user_ids, space),
            dedup_key=event.key("space_member", space.pk, timezone.localdate()),
            actor=actor,
        )
    ]


def _member_added_activity(event: Occurrence) -> list[Notice]:
    added = SpaceMembership.objects.filter(pk=event.id("object_id")).select_related("space")
    found = added.first()
    return added_to_space(event, found.space, [found.user_id]) if found is not None else []


HANDLERS = (EventHandler("activity.recorded", _member_added_activity, verb="space.member_added"),)
