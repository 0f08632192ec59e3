"""Writes of invited citizens: invite, re-send, revoke, accept, open sections, remove a guest.

Every write checks who acts (a project's managers invite and choose what citizens see, the
tenant's admins remove guests; a guest never does any of it), validates with French messages,
writes in one transaction, records the activity and sends e-mails and events after commit.
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

from entente.accounts.models import Membership, Role, User
from entente.accounts.services import create_invited_account
from entente.activity.services import record_activity, record_in_space
from entente.core.events import Event, publish_on_commit
from entente.core.mail import one_line, parse_addresses
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from tenants.models import Tenant

from .models import CitizenInvitation, CitizenSection, InvitationState, PublicProjectSettings
from .permissions import may_invite, may_remove_guests
from .selectors import token_hash

MESSAGE_MAX_LENGTH = 2000


def invitation_days() -> int:
    return int(getattr(settings, "ENTENTE_CITIZEN_INVITATION_DAYS", 14))


# -- Who may do what -----------------------------------------------------------------------------


def _require_invite(membership: Membership | None, space: Space) -> Membership:
    if membership is None or not may_invite(membership, space):
        raise PermissionDenied(
            _("Seuls les éditeurs du projet et les administrateurs invitent des citoyens.")
        )
    return membership


def _require_public_project(space: Space) -> None:
    if space.visibility != Visibility.PUBLIC_PROJECT:
        raise ValidationError(
            _(
                "Seul un espace « Projet ouvert aux citoyens » peut inviter des citoyens. "
                "Changez sa visibilité dans ses paramètres, ou invitez des agents comme membres."
            )
        )
    if space.archived_at is not None:
        raise ValidationError(_("Ce projet est archivé : restaurez-le avant d'inviter."))


@dataclass(frozen=True)
class SentInvitation:
    invitation: CitizenInvitation
    token: str  # shown in the e-mail only; the database keeps its hash


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw)


def invitation_link(tenant: Tenant, raw: str) -> str:
    return tenant.url(f"/invitation/{raw}/")


def _send_invitation(tenant: Tenant, invitation: CitizenInvitation, raw: str, by: User) -> None:
    context: dict[str, Any] = {
        "tenant": tenant,
        "space": invitation.space,
        "inviter": by,
        "message": invitation.message,
        "link": invitation_link(tenant, raw),
        "days": invitation_days(),
        "expires_at": invitation.expires_at,
    }
    subject = one_line(render_to_string("citizens/email/invitation_subject.txt", context))
    body = render_to_string("citizens/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _announce(tenant: Tenant, invitation: CitizenInvitation, by: User) -> None:
    """`space.invited` for the notifications (user_ids when the person already has an account)."""
    person = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    publish_on_commit(
        Event(
            "space.invited",
            tenant_schema=tenant.schema_name,
            payload={
                "invitation_id": invitation.pk,
                "space_id": invitation.space_id,
                "space_name": invitation.space.name,
                "email": invitation.email,
                "invited_by": by.pk,
                "citizen": True,
            },
            space_id=invitation.space_id,
            user_ids=(person.pk,) if person is not None else (),
        )
    )


@transaction.atomic
def invite_citizens(
    membership: Membership | None,
    space: Space,
    emails: str | list[str],
    *,
    message: str = "",
    tenant: Tenant | None = None,
) -> list[SentInvitation]:
    """Invite addresses to a public project; an address already invited gets a fresh link."""
    acting = _require_invite(membership, space)
    _require_public_project(space)
    addresses = parse_addresses(emails)
    message = message.strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("Le message est trop long : %(max)d caractères au plus.")
                % {"max": MESSAGE_MAX_LENGTH}
            }
        )
    tenant = tenant or acting.tenant
    by = acting.user
    now = timezone.now()
    expires_at = now + timedelta(days=invitation_days())
    already = set(
        SpaceMembership.objects.filter(space=space, user__email__in=addresses).values_list(
            "user__email", flat=True
        )
    )
    sent: list[SentInvitation] = []
    for address in addresses:
        if address in already:
            continue  # already in the project: nothing to send
        raw, hashed = _new_token()
        invitation = (
            CitizenInvitation.objects.select_for_update()
            .filter(
                space=space,
                email__iexact=address,
                revoked_at__isnull=True,
                accepted_at__isnull=True,
            )
            .first()
        )
        if invitation is None:
            invitation = CitizenInvitation.objects.create(
                space=space,
                email=address,
                message=message,
                token_hash=hashed,
                invited_by=by,
                sent_at=now,
                expires_at=expires_at,
            )
        else:
            invitation.token_hash = hashed
            invitation.sent_at = now
            invitation.expires_at = expires_at
            invitation.sent_count += 1
            invitation.invited_by = by
            if message:
                invitation.message = message
            invitation.save()
        sent.append(SentInvitation(invitation=invitation, token=raw))
        _schedule_send(tenant, invitation, raw, by)
        _announce(tenant, invitation, by)
    if not sent:
        raise ValidationError(
            {"emails": _("Ces personnes sont déjà membres du projet : aucune invitation envoyée.")}
        )
    record_in_space(
        by,
        "space.citizens_invited",
        space.pk,
        _("a invité %(count)d citoyen(s) au projet") % {"count": len(sent)},
    )
    return sent


def _schedule_send(tenant: Tenant, invitation: CitizenInvitation, raw: str, by: User) -> None:
    transaction.on_commit(lambda: _send_invitation(tenant, invitation, raw, by))


def _manageable(membership: Membership | None, invitation: CitizenInvitation) -> Membership:
    acting = _require_invite(membership, invitation.space) if membership is not None else None
    if acting is None:
        raise PermissionDenied(
            _("Seuls les éditeurs du projet et les administrateurs invitent des citoyens.")
        )
    return acting


@transaction.atomic
def resend_invitation(
    membership: Membership | None, invitation: CitizenInvitation, *, tenant: Tenant | None = None
) -> SentInvitation:
    """A new link and a new delay for an invitation not yet accepted nor revoked."""
    acting = _manageable(membership, invitation)
    invitation = CitizenInvitation.objects.select_for_update().get(pk=invitation.pk)
    _require_public_project(invitation.space)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation est déjà acceptée."))
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("Cette invitation est révoquée : invitez de nouveau cette adresse.")
        )
    raw, hashed = _new_token()
    now = timezone.now()
    invitation.token_hash = hashed
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=invitation_days())
    invitation.sent_count += 1
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "sent_count"])
    tenant = tenant or acting.tenant
    _schedule_send(tenant, invitation, raw, acting.user)
    _announce(tenant, invitation, acting.user)
    return SentInvitation(invitation=invitation, token=raw)


@transaction.atomic
def revoke_invitation(
    membership: Membership | None, invitation: CitizenInvitation
) -> CitizenInvitation:
    """Its link stops working at once (idempotent; an accepted invitation stays accepted)."""
    acting = _manageable(membership, invitation)
    invitation = CitizenInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("Cette invitation est déjà acceptée : retirez la personne du projet à la place.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_in_space(
            acting.user,
            "space.citizen_invitation_revoked",
            invitation.space_id,
            _("a révoqué une invitation de citoyen"),
        )
    return invitation


# -- Accepting -----------------------------------------------------------------------------------


class InvitationRefused(Exception):  # noqa: N818 - reads as what happened
    """The link cannot be used; `message` says why and what to do, in French."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def refusal_for(invitation: CitizenInvitation | None) -> InvitationRefused | None:
    """Why this invitation's link cannot be used now, or None if it can."""
    if invitation is None:
        return InvitationRefused(
            _(
                "Ce lien d'invitation n'est pas valable. Vérifiez qu'il est complet, ou "
                "demandez une nouvelle invitation à la personne qui vous a invité."
            ),
            "unknown",
        )
    state = invitation.state()
    if state == InvitationState.REVOKED:
        return InvitationRefused(
            _(
                "Cette invitation a été annulée par l'équipe du projet. Si vous pensez qu'il "
                "s'agit d'une erreur, demandez-lui de vous inviter à nouveau."
            ),
            "revoked",
        )
    if state == InvitationState.EXPIRED:
        return InvitationRefused(
            _(
                "Cette invitation a expiré (elle était valable %(days)d jours). Demandez à "
                "l'équipe du projet de vous la renvoyer."
            )
            % {"days": invitation_days()},
            "expired",
        )
    if state == InvitationState.ACCEPTED:
        return InvitationRefused(
            _("Cette invitation a déjà été acceptée. Connectez-vous pour retrouver le projet."),
            "used",
        )
    return None


@dataclass(frozen=True)
class Acceptance:
    user: User
    space: Space
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
    """Accept: the person (made if new), a guest membership if they have none, and their place
    in the project (commenter), in one transaction. A second click by the same person is
    harmless; any other use of a spent, revoked or expired link raises `InvitationRefused`."""
    invitation = (
        CitizenInvitation.objects.select_for_update()
        .select_related("space")
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
        return Acceptance(user, invitation.space, created_account=False, already_accepted=True)
    if refusal is not None or invitation is None:
        raise refusal or InvitationRefused("", "unknown")
    space = invitation.space
    if space.visibility != Visibility.PUBLIC_PROJECT or space.archived_at is not None:
        raise InvitationRefused(
            _("Ce projet n'est plus ouvert aux citoyens. Contactez l'équipe du projet."),
            "closed",
        )
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
        # A forwarded link must not let someone else in: a citizen sees what they were invited
        # to, and only the invited address may accept (its owner proves it by logging in).
        raise InvitationRefused(
            _(
                "Cette invitation est adressée à %(invited)s, et vous êtes connecté avec "
                "%(current)s. Déconnectez-vous, puis rouvrez ce lien."
            )
            % {"invited": invitation.email, "current": user.email},
            "other_account",
        )
    Membership.objects.get_or_create(user=user, tenant=tenant, defaults={"role": Role.GUEST})
    SpaceMembership.objects.get_or_create(
        space=space, user=user, defaults={"role": SpaceRole.COMMENTER}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_in_space(user, "space.citizen_joined", space.pk, _("a rejoint le projet sur invitation"))
    return Acceptance(user=user, space=space, created_account=created)


# -- What the project opens to citizens ----------------------------------------------------------


@transaction.atomic
def set_open_sections(
    membership: Membership | None, space: Space, sections: list[str]
) -> PublicProjectSettings:
    """The project's editors choose which sections citizens see (discussions, tasks, lists)."""
    acting = _require_invite(membership, space)
    allowed = set(CitizenSection.values)
    unknown = [s for s in sections if s not in allowed]
    if unknown:
        raise ValidationError(
            {
                "open_sections": _("Choisissez parmi : %(values)s.")
                % {"values": ", ".join(str(label) for label in CitizenSection.labels)}
            }
        )
    chosen = [value for value in CitizenSection.values if value in set(sections)]
    row, _created = PublicProjectSettings.objects.select_for_update().get_or_create(space=space)
    row.open_sections = chosen
    row.updated_by = acting.user
    row.save()
    record_in_space(
        acting.user,
        "space.citizen_sections_changed",
        space.pk,
        _("a changé ce que le projet ouvre aux citoyens"),
    )
    return row


# -- Removing a guest ----------------------------------------------------------------------------


@transaction.atomic
def remove_guest(membership: Membership | None, tenant: Tenant, user_id: int) -> None:
    """A tenant's admin removes a guest: their membership and their places in projects go at
    once; what they wrote stays, attributed to them (people are never deleted)."""
    if not may_remove_guests(membership) or membership is None or membership.tenant_id != tenant.pk:
        raise PermissionDenied(_("Seuls les administrateurs retirent des citoyens invités."))
    guest = Membership.objects.filter(tenant=tenant, user_id=user_id, role=Role.GUEST).first()
    if guest is None:
        raise ValidationError(_("Cette personne n'est pas un citoyen invité de la collectivité."))
    SpaceMembership.objects.filter(user_id=user_id).delete()
    guest.delete()  # post_delete tells every process's membership cache
    record_activity(
        actor=membership.user if membership is not None else None,
        verb="tenant.guest_removed",
        object_type="person",
        object_id=user_id,
        summary=_("a retiré un citoyen invité"),
    )
