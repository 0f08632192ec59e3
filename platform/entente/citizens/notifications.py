"""What the citizens' invitations mean for whom: registered with `entente.notifications`.

Registered in `CitizensConfig.ready()` (see `entente.notifications.registry`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Notice, Occurrence, who
from entente.spaces.notifications import event_space, space_draft


def _invited(event: Occurrence) -> list[Notice]:
    """An invitation to a space (citizens): the invited person cannot see it yet, so no
    visibility filter; the e-mail carries the link that accepts it."""
    space = event_space(event)
    if space is None:
        return []
    actor = event.person("invited_by", "actor_id")
    title = _("%(who)s vous invite à rejoindre l'espace « %(name)s » de %(tenant)s") % {
        "who": who(actor),
        "name": space.name,
        "tenant": event.tenant.name,
    }
    body = _("Le lien pour accepter l'invitation vous a été envoyé par e-mail.")
    invitation = event.payload.get("invitation_id") or event.event_key
    return [
        Notice(
            draft=space_draft(event, space, NotificationKind.SPACE_INVITED, title, body=body),
            recipients=event.user_ids,
            dedup_key=event.key("space_invited", space.pk, invitation),
            actor=actor,
        )
    ]


HANDLERS = (EventHandler("space.invited", _invited),)
