"""What the sign-up's events mean for whom: registered with `entente.notifications`.

Registered in `SignupConfig.ready()` (see `entente.notifications.registry`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, admin_ids


def _join_requested(event: Occurrence) -> list[Notice]:
    """Someone asks to join the collectivité: its admins, who accept or refuse."""
    tenant, request = event.tenant, event.payload.get("join_request_id")
    title = _("%(name)s demande à rejoindre %(tenant)s") % {
        "name": event.payload.get("name") or _("Une personne"),
        "tenant": tenant.name,
    }
    draft = Draft(
        kind=NotificationKind.JOIN_REQUEST,
        title=title,
        url=event.url("signup:join_requests"),
        object_type="join_request",
        object_id=request,
    )
    return [Notice(draft, admin_ids(tenant), event.key("join_request", request))]


HANDLERS = (EventHandler("signup.join_requested", _join_requested),)
