"""What the SCIM token's changes mean for whom: registered with `entente.notifications`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, other_admin_ids, who

from .services import TOKEN_CHANGED


def _token_changed(event: Occurrence) -> list[Notice]:
    """A token creates and removes people: the other admins hear of a new one or its end."""
    admin = event.person("changed_by")
    recipients = other_admin_ids(event.tenant, admin)
    if not recipients:
        return []
    title = (
        _("%(who)s a créé un jeton de provisionnement pour l'annuaire")
        if event.payload.get("made")
        else _("%(who)s a révoqué le jeton de provisionnement de l'annuaire")
    ) % {"who": who(admin)}
    draft = Draft(
        kind=NotificationKind.TEAM,
        title=title,
        url=event.url("scim:settings"),
        object_type="tenant",
        object_id=event.tenant.pk,
    )
    return [Notice(draft, recipients, event.key("scim_token", event.event_key), actor=admin)]


HANDLERS = (EventHandler(TOKEN_CHANGED, _token_changed),)
