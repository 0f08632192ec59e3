"""What the SAML directory's changes mean for whom: registered with `entente.notifications`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, other_admin_ids, who

from .services import SAML_CHANGED


def _saml_changed(event: Occurrence) -> list[Notice]:
    """Who may sign in to the collectivité changed: its other admins hear of it (a change they
    did not make is the first sign of a hijacked admin account)."""
    admin = event.person("changed_by")
    recipients = other_admin_ids(event.tenant, admin)
    if not recipients:
        return []
    label = str(event.payload.get("label") or "")
    title = (
        _("%(who)s a changé la connexion par « %(label)s »")
        if event.payload.get("enabled")
        else _("%(who)s a retiré la connexion par « %(label)s »")
    ) % {"who": who(admin), "label": label}
    draft = Draft(
        kind=NotificationKind.TEAM,
        title=title,
        url=event.url("sso:saml"),
        object_type="tenant",
        object_id=event.tenant.pk,
    )
    key = event.key("sso_saml_changed", event.tenant.pk, event.event_key)
    return [Notice(draft, recipients, key, actor=admin)]


HANDLERS = (EventHandler(SAML_CHANGED, _saml_changed),)
