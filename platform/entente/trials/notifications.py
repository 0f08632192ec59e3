"""What the trials' reminders mean for whom: registered with `entente.notifications`.

Registered in `TrialsConfig.ready()` (see `entente.notifications.registry`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, admin_ids


def _reminder(event: Occurrence) -> list[Notice]:
    """The trial ends soon, has ended, or the collectivité is closing: its admins."""
    tenant, stage = event.tenant, event.payload.get("kind")
    if stage == "expired":
        title = _("L'essai de %(tenant)s est terminé : la collectivité est en lecture seule")
    elif stage == "closing":
        title = _("%(tenant)s va fermer : exportez vos données")
    else:
        title = _("L'essai de %(tenant)s se termine dans %(days)s jour(s)")
    draft = Draft(
        kind=NotificationKind.TRIAL_REMINDER,
        title=title % {"tenant": tenant.name, "days": event.payload.get("days_left")},
        url=tenant.url("/"),
        object_type="tenant",
        object_id=tenant.pk,
    )
    key = event.key("trial", stage, event.payload.get("deadline"))
    return [Notice(draft, admin_ids(tenant), key)]


HANDLERS = (EventHandler("trial.reminder", _reminder),)
