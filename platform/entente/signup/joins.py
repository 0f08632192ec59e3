"""Join requests: someone asks for access to a tenant, confirms their address, its admins answer.

The answer is given by an acting membership (`accept_join_request(acting, …)`), checked here:
only an administrator of the request's tenant decides. Views parse and call these; e-mails
leave on commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import is_support_reader
from entente.accounts.models import Membership, Role, User
from entente.accounts.services import add_member
from entente.core.events import Event, publish_on_commit
from tenants.models import Tenant

from .models import JoinRequest, JoinState
from .services import (
    SignupRefused,
    check_rate_limits,
    confirmation_hours,
    confirmed,
    expire_if_due,
    expired_refusal,
    person_for,
    platform_link,
    read_token,
    send_email,
    unknown_refusal,
)

JOIN_SALT = "entente.signup.join"


def join_token(join_request: JoinRequest) -> str:
    return signing.dumps(str(join_request.public_id), salt=JOIN_SALT, compress=True)


@transaction.atomic
def request_to_join(
    *,
    tenant: Tenant,
    full_name: str,
    email: str,
    function: str,
    message: str = "",
    ip_address: str | None = None,
) -> JoinRequest:
    """Record a request for access and send its confirmation link (on commit)."""
    address = email.strip().lower()
    if Membership.objects.filter(tenant=tenant, user__email__iexact=address).exists():
        raise SignupRefused(
            _(
                "Cette adresse a déjà accès à %(name)s. Connectez-vous, ou choisissez "
                "« Mot de passe oublié » si vous ne l'avez plus."
            )
            % {"name": tenant.name},
            code="already_member",
            tenant=tenant,
        )
    check_rate_limits(ip_address, address)
    now = timezone.now()
    join_request = JoinRequest.objects.create(
        tenant=tenant,
        full_name=full_name.strip(),
        email=address,
        function=function.strip(),
        message=message.strip(),
        ip_address=ip_address,
        created_at=now,
        expires_at=now + timedelta(hours=confirmation_hours()),
    )
    context = {
        "join_request": join_request,
        "tenant": tenant,
        "link": platform_link("signup:join_confirm", token=join_token(join_request)),
        "hours": confirmation_hours(),
    }
    transaction.on_commit(lambda: send_email("join_confirm", address, context))
    return join_request


@transaction.atomic
def request_to_join_as(user: User, tenant: Tenant, *, via: str) -> JoinRequest:
    """A person whose address an identity provider proved (entente.sso) asks to join: the
    request skips the confirmation e-mail and goes to the admins at once."""
    now = timezone.now()
    join_request = JoinRequest.objects.create(
        tenant=tenant,
        full_name=user.full_name or user.email,
        email=user.email.lower(),
        function=user.function or "",
        message=_("Compte ouvert par %(provider)s.") % {"provider": via},
        created_at=now,
        expires_at=now + timedelta(hours=confirmation_hours()),
    )
    answer = _confirm_join(str(join_request.public_id))
    if isinstance(answer, SignupRefused):  # cannot happen: made this instant, unconfirmed
        raise answer
    return answer[0]


def confirm_join_request(token: str) -> tuple[JoinRequest, bool]:
    """The requester proved their address: the admins are told. Returns (request, first_time).

    As for sign-ups, a refusal is raised after the commit that records the expiry.
    """
    public_id = read_token(token, JOIN_SALT)
    return confirmed(_confirm_join, public_id)


def _confirm_join(public_id: str) -> tuple[JoinRequest, bool] | SignupRefused:
    join_request = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .filter(public_id=public_id)
        .first()
    )
    if join_request is None:
        return unknown_refusal()
    expire_if_due(join_request, JoinState.UNCONFIRMED, JoinState.EXPIRED)
    if join_request.state == JoinState.EXPIRED:
        return expired_refusal()
    if join_request.state != JoinState.UNCONFIRMED:
        return join_request, False
    user = person_for(join_request.email, join_request.full_name, join_request.function)
    pending = (
        JoinRequest.objects.filter(
            tenant=join_request.tenant, email=join_request.email, state=JoinState.PENDING
        )
        .exclude(pk=join_request.pk)
        .first()
    )
    if pending is not None:  # asked twice: the first request stands, admins are not told again
        JoinRequest.objects.filter(pk=join_request.pk).update(state=JoinState.EXPIRED, user=user)
        return pending, False
    join_request.user = user
    join_request.state = JoinState.PENDING
    join_request.confirmed_at = timezone.now()
    join_request.save(update_fields=["user", "state", "confirmed_at"])
    tenant = join_request.tenant
    admins = list(
        User.objects.filter(
            memberships__tenant=tenant, memberships__role=Role.ADMIN, is_active=True
        ).values_list("email", flat=True)
    )
    context = {
        "join_request": join_request,
        "tenant": tenant,
        "link": tenant.url(reverse("signup:join_requests", urlconf=settings.ROOT_URLCONF)),
    }

    def tell_admins() -> None:
        for admin in admins:
            send_email("join_new", admin, context)

    transaction.on_commit(tell_admins)
    # Into the admins' inboxes as well (entente.notifications).
    publish_on_commit(
        Event(
            name="signup.join_requested",
            tenant_schema=tenant.schema_name,
            payload={"join_request_id": join_request.pk, "name": join_request.full_name},
        )
    )
    return join_request, True


def may_decide(acting: Membership | None, tenant: Tenant) -> bool:
    """Only the tenant's admins accept or refuse who joins it (never a support reader)."""
    return (
        acting is not None
        and acting.tenant_id == tenant.pk
        and acting.role == Role.ADMIN
        and not is_support_reader(acting)
        and acting.user.is_active
    )


def _decide(acting: Membership, join_request: JoinRequest, accept: bool) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update(of=("self",)).select_related("tenant", "user")
    join_request = locked.get(pk=join_request.pk)
    tenant = join_request.tenant
    by = acting.user
    if not may_decide(acting, tenant):
        raise PermissionDenied(
            _("Seuls les administrateurs de %(name)s peuvent répondre aux demandes d'accès.")
            % {"name": tenant.name}
        )
    if join_request.state != JoinState.PENDING or join_request.user is None:
        raise SignupRefused(
            _("Cette demande a déjà reçu une réponse (%(state)s). Rien d'autre à faire.")
            % {"state": join_request.get_state_display()},
            code="already_decided",
        )
    if accept:
        add_member(tenant, join_request.user, Role.AGENT)
    join_request.state = JoinState.ACCEPTED if accept else JoinState.REFUSED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save(update_fields=["state", "decided_at", "decided_by"])
    context = {"join_request": join_request, "tenant": tenant, "link": tenant.url("/")}
    template = "join_accepted" if accept else "join_refused"
    email = join_request.email
    transaction.on_commit(lambda: send_email(template, email, context))
    return join_request


@transaction.atomic
def accept_join_request(acting: Membership, join_request: JoinRequest) -> JoinRequest:
    """Give the requester the agent role (an admin can change it later) and tell them."""
    return _decide(acting, join_request, accept=True)


@transaction.atomic
def refuse_join_request(acting: Membership, join_request: JoinRequest) -> JoinRequest:
    return _decide(acting, join_request, accept=False)
