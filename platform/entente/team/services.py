"""Writes of the collectivité's team: invite colleagues, re-send, cancel, accept, change a role,
remove a colleague, choose who must use two-factor authentication.

Every write checks who acts (agents and admins invite, an agent never gives the admin role;
admins change roles and remove), validates with French messages, writes in one transaction,
records the activity and sends e-mails and events after commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts import mfa
from entente.accounts.models import Membership, Role, User
from entente.accounts.services import create_invited_account
from entente.activity.services import record_activity
from entente.core.events import Event, publish_on_commit
from entente.core.mail import one_line, parse_addresses
from entente.spaces.models import SpaceMembership
from tenants.models import MfaPolicy, Tenant

from .models import ColleagueInvitation, InvitationState
from .permissions import may_invite_colleagues, may_manage_team, roles_given_by
from .selectors import token_hash

MESSAGE_MAX_LENGTH = 2000
INVITED = "team.invited"
JOINED = "team.joined"
MFA_POLICY_CHANGED = "team.mfa_policy_changed"


def invitation_days() -> int:
    return int(settings.ENTENTE_COLLEAGUE_INVITATION_DAYS)


# -- Who may do what -----------------------------------------------------------------------------


def _acting(membership: Membership | None, tenant: Tenant) -> Membership:
    if membership is None or membership.tenant_id != tenant.pk:
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


def _require_invite(membership: Membership | None, tenant: Tenant) -> Membership:
    acting = _acting(membership, tenant)
    if not may_invite_colleagues(acting):
        raise PermissionDenied(_("Seuls les agents et les administrateurs invitent des collègues."))
    return acting


def _require_manage(membership: Membership | None, tenant: Tenant) -> Membership:
    acting = _acting(membership, tenant)
    if not may_manage_team(acting):
        raise PermissionDenied(
            _("Seuls les administrateurs changent les rôles et retirent des collègues.")
        )
    return acting


def _check_role(acting: Membership, role: str) -> str:
    """A role this person may give: another role they may not give is refused (403), a word
    that is no role at all is invalid (400)."""
    if role not in (Role.AGENT, Role.ELECTED, Role.ADMIN):
        raise ValidationError({"role": _("Choisissez le rôle parmi : Agent, Élu, Administrateur.")})
    if role not in roles_given_by(acting):
        raise PermissionDenied(_("Seul un administrateur peut inviter un autre administrateur."))
    return role


# -- Inviting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentInvitation:
    invitation: ColleagueInvitation
    token: str  # in the e-mail only; the database keeps its hash


def invitation_link(tenant: Tenant, raw: str) -> str:
    return tenant.url(f"/invitation/collegue/{raw}/")


def _send(tenant: Tenant, invitation: ColleagueInvitation, raw: str, by: User) -> None:
    context: dict[str, Any] = {
        "tenant": tenant,
        "inviter": by,
        "role": Role(invitation.role).label,
        "message": invitation.message,
        "link": invitation_link(tenant, raw),
        "days": invitation_days(),
    }
    subject = one_line(render_to_string("team/email/invitation_subject.txt", context))
    body = render_to_string("team/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _dispatch(tenant: Tenant, invitation: ColleagueInvitation, raw: str, by: User) -> None:
    """The e-mail after commit, and `team.invited` (a notification for someone who already has
    an account, in their other collectivités' bell)."""
    transaction.on_commit(lambda: _send(tenant, invitation, raw, by))
    person = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    publish_on_commit(
        Event(
            INVITED,
            tenant_schema=tenant.schema_name,
            payload={"invitation_id": invitation.pk, "invited_by": by.pk, "role": invitation.role},
            user_ids=(person.pk,) if person is not None else (),
        )
    )


def _refresh(invitation: ColleagueInvitation, by: User, role: str | None, message: str) -> str:
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(raw)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=invitation_days())
    invitation.sent_count += 1
    invitation.invited_by = by
    if role:
        invitation.role = role
    if message:
        invitation.message = message
    invitation.save()
    return raw


@transaction.atomic
def invite_colleagues(
    membership: Membership | None,
    tenant: Tenant,
    emails: str | list[str],
    *,
    role: str = Role.AGENT,
    message: str = "",
) -> list[SentInvitation]:
    """Invite addresses to join the collectivité with `role`; an address already invited gets a
    fresh link. Colleagues already here are left alone (an error if all of them are)."""
    acting = _require_invite(membership, tenant)
    role = _check_role(acting, role)
    addresses = parse_addresses(emails)
    message = message.strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("Le message est trop long : %(max)d caractères au plus.")
                % {"max": MESSAGE_MAX_LENGTH}
            }
        )
    here = {
        email.lower()
        for email in Membership.objects.filter(tenant=tenant, user__email__in=addresses)
        .exclude(role=Role.GUEST)
        .values_list("user__email", flat=True)
    }
    sent: list[SentInvitation] = []
    for address in addresses:
        if address in here:
            continue
        invitation = (
            ColleagueInvitation.objects.select_for_update()
            .filter(email__iexact=address, revoked_at__isnull=True, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raw = secrets.token_urlsafe(32)
            now = timezone.now()
            invitation = ColleagueInvitation.objects.create(
                email=address,
                role=role,
                message=message,
                token_hash=token_hash(raw),
                invited_by=acting.user,
                sent_at=now,
                expires_at=now + timedelta(days=invitation_days()),
            )
        else:
            raw = _refresh(invitation, acting.user, role, message)
        sent.append(SentInvitation(invitation, raw))
        _dispatch(tenant, invitation, raw, acting.user)
    if not sent:
        raise ValidationError(
            {"emails": _("Ces personnes font déjà partie de la collectivité : rien n'est envoyé.")}
        )
    record_activity(
        actor=acting.user,
        verb=INVITED,
        object_type="person",
        object_id=None,
        summary=_("a invité %(count)d collègue(s)") % {"count": len(sent)},
    )
    return sent


def _own_or_managed(acting: Membership, invitation: ColleagueInvitation) -> None:
    if invitation.invited_by_id != acting.user_id and not may_manage_team(acting):
        raise PermissionDenied(
            _("Seuls la personne qui a invité et les administrateurs gèrent cette invitation.")
        )


@transaction.atomic
def resend_invitation(
    membership: Membership | None, tenant: Tenant, invitation: ColleagueInvitation
) -> SentInvitation:
    """A new link and a new delay for an invitation neither accepted nor cancelled."""
    acting = _require_invite(membership, tenant)
    invitation = ColleagueInvitation.objects.select_for_update().get(pk=invitation.pk)
    _own_or_managed(acting, invitation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation est déjà acceptée."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("Cette invitation est annulée : invitez de nouveau cette adresse."))
    _check_role(acting, invitation.role)
    raw = _refresh(invitation, acting.user, None, "")
    _dispatch(tenant, invitation, raw, acting.user)
    return SentInvitation(invitation, raw)


@transaction.atomic
def revoke_invitation(
    membership: Membership | None, tenant: Tenant, invitation: ColleagueInvitation
) -> ColleagueInvitation:
    """Its link stops working at once (idempotent; an accepted invitation stays accepted)."""
    acting = _require_invite(membership, tenant)
    invitation = ColleagueInvitation.objects.select_for_update().get(pk=invitation.pk)
    _own_or_managed(acting, invitation)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("Cette invitation est déjà acceptée : retirez la personne de l'équipe à la place.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_activity(
            actor=acting.user,
            verb="team.invitation_revoked",
            object_type="person",
            object_id=None,
            summary=_("a annulé une invitation de collègue"),
        )
    return invitation


# -- Accepting -----------------------------------------------------------------------------------


class InvitationRefused(Exception):  # noqa: N818 - reads as what happened
    """The link cannot be used; `message` says why and what to do, in French."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def refusal_for(invitation: ColleagueInvitation | None) -> InvitationRefused | None:
    """Why this invitation's link cannot be used now, or None if it can."""
    if invitation is None:
        return InvitationRefused(
            _(
                "Ce lien d'invitation n'est pas valable. Vérifiez qu'il est complet, ou "
                "demandez une nouvelle invitation au collègue qui vous a invité."
            ),
            "unknown",
        )
    state = invitation.state()
    if state == InvitationState.REVOKED:
        return InvitationRefused(
            _(
                "Cette invitation a été annulée. Demandez à votre collègue de vous inviter "
                "à nouveau."
            ),
            "revoked",
        )
    if state == InvitationState.EXPIRED:
        return InvitationRefused(
            _(
                "Cette invitation a expiré (elle était valable %(days)d jours). Demandez à "
                "votre collègue de vous la renvoyer."
            )
            % {"days": invitation_days()},
            "expired",
        )
    if state == InvitationState.ACCEPTED:
        return InvitationRefused(
            _(
                "Cette invitation a déjà été acceptée. Connectez-vous pour retrouver la "
                "collectivité."
            ),
            "used",
        )
    return None


@dataclass(frozen=True)
class Acceptance:
    user: User
    membership: Membership
    created_account: bool
    already_accepted: bool = False


@transaction.atomic
def accept_invitation(
    raw_token: str,
    tenant: Tenant,
    *,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> Acceptance:
    """Accept: the person (made if new, their address proven by the link) and their membership
    with the invitation's role, in one transaction. A citizen of the collectivité becomes staff;
    a colleague already here keeps the role they have. A second click by the same person is
    harmless; any other use of a spent, cancelled or expired link raises `InvitationRefused`."""
    invitation = (
        ColleagueInvitation.objects.select_for_update()
        .filter(token_hash=token_hash(raw_token or ""))
        .first()
    )
    refusal = refusal_for(invitation)
    if (
        invitation is not None
        and refusal is not None
        and refusal.code == "used"
        and user is not None
        and invitation.accepted_by_id == user.pk
    ):
        here = Membership.objects.filter(user=user, tenant=tenant).first()
        if here is not None:
            return Acceptance(user, here, created_account=False, already_accepted=True)
    if refusal is not None or invitation is None:
        raise refusal or InvitationRefused("", "unknown")
    created = False
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationRefused(
                _(
                    "Un compte existe déjà pour %(email)s : connectez-vous (« J'ai déjà un "
                    "compte »), puis revenez sur ce lien."
                )
                % {"email": invitation.email},
                "has_account",
            )
        user = create_invited_account(invitation.email, full_name, password)
        created = True
    elif not user.is_active:
        raise InvitationRefused(_("Ce compte est désactivé."), "inactive")
    elif user.email.lower() != invitation.email.lower():
        # A forwarded link must not let someone else in: only the invited address may accept.
        raise InvitationRefused(
            _(
                "Cette invitation est adressée à %(invited)s, et vous êtes connecté avec "
                "%(current)s. Déconnectez-vous, puis rouvrez ce lien."
            )
            % {"invited": invitation.email, "current": user.email},
            "other_account",
        )
    membership, made = Membership.objects.select_for_update().get_or_create(
        user=user, tenant=tenant, defaults={"role": invitation.role}
    )
    if not made and membership.role == Role.GUEST:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_activity(
        actor=user,
        verb=JOINED,
        object_type="person",
        object_id=user.pk,
        summary=_("a rejoint la collectivité sur invitation"),
    )
    publish_on_commit(
        Event(
            JOINED,
            tenant_schema=tenant.schema_name,
            payload={"user_id": user.pk, "invited_by": invitation.invited_by_id},
        )
    )
    return Acceptance(user, membership, created_account=created)


# -- Roles and departures ------------------------------------------------------------------------


def _other_admins(tenant: Tenant, user_id: int) -> bool:
    return (
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN).exclude(user_id=user_id).exists()
    )


def _staff_member(tenant: Tenant, user_id: int) -> Membership:
    member = (
        Membership.objects.select_for_update()
        .filter(tenant=tenant, user_id=user_id)
        .exclude(role=Role.GUEST)
        .first()
    )
    if member is None:
        raise ValidationError(
            _("Cette personne ne fait pas partie de l'équipe de la collectivité.")
        )
    return member


@transaction.atomic
def change_role(
    membership: Membership | None, tenant: Tenant, user_id: int, role: str
) -> Membership:
    """An admin gives a colleague another role; the collectivité always keeps an admin."""
    acting = _require_manage(membership, tenant)
    if role not in (Role.AGENT, Role.ELECTED, Role.ADMIN):
        raise ValidationError({"role": _("Choisissez le rôle parmi : Agent, Élu, Administrateur.")})
    member = _staff_member(tenant, user_id)
    if member.role == role:
        return member
    if member.role == Role.ADMIN and not _other_admins(tenant, user_id):
        raise ValidationError(
            {
                "role": _(
                    "La collectivité doit garder au moins un administrateur : nommez-en un "
                    "autre d'abord."
                )
            }
        )
    member.role = role
    member.save(update_fields=["role"])
    record_activity(
        actor=acting.user,
        verb="team.role_changed",
        object_type="person",
        object_id=user_id,
        summary=_("a donné le rôle « %(role)s » à %(name)s")
        % {"role": Role(role).label, "name": member.user.display_name},
    )
    return member


@transaction.atomic
def remove_colleague(membership: Membership | None, tenant: Tenant, user_id: int) -> None:
    """An admin removes a colleague: their access and their places in spaces go at once; what
    they wrote stays, attributed to them (people are never deleted)."""
    acting = _require_manage(membership, tenant)
    member = _staff_member(tenant, user_id)
    if member.role == Role.ADMIN and not _other_admins(tenant, user_id):
        raise ValidationError(
            _(
                "La collectivité doit garder au moins un administrateur : nommez-en un "
                "autre d'abord."
            )
        )
    SpaceMembership.objects.filter(user_id=user_id).delete()
    name = member.user.display_name
    member.delete()  # post_delete tells every process's membership cache
    record_activity(
        actor=acting.user,
        verb="team.colleague_removed",
        object_type="person",
        object_id=user_id,
        summary=_("a retiré %(name)s de l'équipe") % {"name": name},
    )


# -- Two-factor policy ---------------------------------------------------------------------------


@transaction.atomic
def set_mfa_policy(membership: Membership | None, tenant: Tenant, policy: str) -> Tenant:
    """An admin chooses who must have a second factor. Those it newly covers who lack one are
    told by a notification and sent to set one up at their next page (entente.accounts.mfa)."""
    acting = _require_manage(membership, tenant)
    if policy not in MfaPolicy.values:
        raise ValidationError(
            {
                "mfa_required_for": _("Choisissez parmi : %(choices)s.")
                % {"choices": ", ".join(str(label) for label in MfaPolicy.labels)}
            }
        )
    row = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if row.mfa_required_for == policy:
        return row
    if acting.role in mfa.ROLES_COVERED[MfaPolicy(policy)] and not mfa.has_second_factor(
        acting.user_id
    ):
        # As GitHub does: the admin first proves the way in works, so no one is locked out.
        raise ValidationError(
            {
                "mfa_required_for": _(
                    "Activez d'abord votre propre double authentification (Mon compte, "
                    "« Double authentification ») : cette règle s'appliquera aussi à vous."
                )
            }
        )
    row.mfa_required_for = policy
    row.save(update_fields=["mfa_required_for", "updated_at"])  # post_save evicts routing caches
    tenant.mfa_required_for = policy
    record_activity(
        actor=acting.user,
        verb="team.mfa_policy_changed",
        object_type="tenant",
        object_id=tenant.pk,
        summary=(
            _("n'exige plus la double authentification")
            if policy == MfaPolicy.NOBODY
            else _("a exigé la double authentification de : %(who)s")
            % {"who": MfaPolicy(policy).label}
        ),
    )
    publish_on_commit(
        Event(
            MFA_POLICY_CHANGED,
            tenant_schema=tenant.schema_name,
            payload={"policy": policy, "changed_by": acting.user_id},
        )
    )
    return row
