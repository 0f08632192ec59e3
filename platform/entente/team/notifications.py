"""What the team's events mean for whom: registered with `entente.notifications`.

Registered in `TeamConfig.ready()` (see `entente.notifications.registry`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.accounts.models import Role
from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, admin_ids, who

from .selectors import colleagues_lacking_second_factor
from .services import INVITED, JOINED, MFA_POLICY_CHANGED


def _invited(event: Occurrence) -> list[Notice]:
    """Someone who already has an account is invited into one more collectivité: their bell
    says so (the link that accepts is in the e-mail only)."""
    if not event.user_ids:
        return []
    actor = event.person("invited_by")
    role = event.payload.get("role")
    title = _("%(who)s vous invite à rejoindre l'équipe de %(tenant)s (%(role)s)") % {
        "who": who(actor),
        "tenant": event.tenant.name,
        "role": Role(role).label if role in Role.values else "",
    }
    draft = Draft(
        kind=NotificationKind.TEAM,
        title=title,
        body=_("Le lien pour accepter l'invitation vous a été envoyé par e-mail."),
        object_type="colleague_invitation",
        object_id=event.payload.get("invitation_id"),
    )
    key = event.key("team_invited", event.payload.get("invitation_id"), event.event_key)
    return [Notice(draft, event.user_ids, key, actor=actor)]


def _joined(event: Occurrence) -> list[Notice]:
    """A colleague accepted: the admins, and the person who invited them."""
    newcomer = event.person("user_id")
    if newcomer is None:
        return []
    title = _("%(who)s a rejoint l'équipe de %(tenant)s") % {
        "who": newcomer.display_name,
        "tenant": event.tenant.name,
    }
    recipients = admin_ids(event.tenant)
    inviter = event.person("invited_by")
    if inviter is not None:
        recipients.add(inviter.pk)
    recipients.discard(newcomer.pk)
    draft = Draft(
        kind=NotificationKind.TEAM,
        title=title,
        url=event.url("team:members"),
        object_type="person",
        object_id=newcomer.pk,
    )
    return [Notice(draft, recipients, event.key("team_joined", newcomer.pk), actor=newcomer)]


def _mfa_required(event: Occurrence) -> list[Notice]:
    """The collectivité now requires a second factor: those it covers who have none yet are told
    before their next page sends them to set one up. Read when delivered: someone who added one
    meanwhile is not told."""
    recipients = {member.user_id for member in colleagues_lacking_second_factor(event.tenant)}
    admin = event.person("changed_by")
    if admin is not None:
        recipients.discard(admin.pk)
    if not recipients:
        return []
    draft = Draft(
        kind=NotificationKind.TEAM,
        title=_("%(tenant)s demande la double authentification à son équipe")
        % {"tenant": event.tenant.name},
        body=_(
            "Activez une application d'authentification ou une clé de sécurité : cela prend deux "
            "minutes."
        ),
        url=event.url("mfa_required"),
        object_type="tenant",
        object_id=event.tenant.pk,
    )
    key = event.key("team_mfa_required", event.payload.get("policy"), event.event_key)
    return [Notice(draft, recipients, key, actor=admin)]


HANDLERS = (
    EventHandler(INVITED, _invited),
    EventHandler(JOINED, _joined),
    EventHandler(MFA_POLICY_CHANGED, _mfa_required),
)
