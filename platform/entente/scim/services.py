"""SCIM 2.0 (RFC 7643/7644) for one collectivité: its directory's token, its people, its roles.

- **Users** are the collectivité's staff: created with an account (or linked to the existing
  one of that address), updated, deactivated (`active: false` removes the membership; the
  record stays so that the directory may bring them back), deleted.
- **Groups** are Entente's three roles (`admin`, `agent`, `elected`): adding someone to a
  group gives them that role; removing them from theirs makes them an agent again. The
  collectivité always keeps an admin.
- **What a directory may change of a person** who also works elsewhere: their membership
  here, never their name or address, which are theirs across collectivités.

Views call these with the tenant the token opened; each change is in the activity log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.models import Membership, Role, User
from entente.activity.services import record_activity
from entente.core.events import Event, publish_on_commit
from entente.core.mail import one_line
from entente.spaces.models import SpaceMembership
from entente.team.permissions import require_team_admin
from tenants.models import Tenant

from .models import ScimToken, ScimUser

TOKEN_CHANGED = "scim.token_changed"  # noqa: S105 - an event name
TOKEN_PREFIX = "scim_"  # noqa: S105 - the tokens' visible prefix, no secret
STAFF_ROLES = (Role.ADMIN, Role.AGENT, Role.ELECTED)


class ScimError(Exception):
    """An answer the directory reads: HTTP status, SCIM `scimType`, a sentence."""

    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def group_names() -> dict[str, str]:
    return {
        Role.ADMIN: _("Administrateurs"),
        Role.AGENT: _("Agents"),
        Role.ELECTED: _("Élus"),
    }


# -- The token ------------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def new_token(membership: Membership | None, tenant: Tenant) -> str:
    """A new token for the collectivité's directory (the previous one stops at once); shown
    this once, kept as a hash."""
    acting = require_team_admin(membership, tenant)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ScimToken.objects.update_or_create(
        tenant=tenant,
        defaults={
            "token_hash": _hash(raw),
            "prefix": raw[:12],
            "created_by": acting.user,
            "last_used_at": None,
        },
    )
    _record_token_change(tenant, acting, made=True)
    return raw


def _record_token_change(tenant: Tenant, acting: Membership, *, made: bool) -> None:
    """In the activity log, and told to the other admins (`notifications`)."""
    record_activity(
        actor=acting.user,
        verb="scim.token_created" if made else "scim.token_revoked",
        object_type="tenant",
        object_id=tenant.pk,
        summary=_("a créé un jeton de provisionnement SCIM")
        if made
        else _("a révoqué le jeton de provisionnement SCIM"),
    )
    publish_on_commit(
        Event(
            TOKEN_CHANGED,
            tenant_schema=tenant.schema_name,
            payload={"changed_by": acting.user_id, "made": made},
        )
    )


@transaction.atomic
def revoke_token(membership: Membership | None, tenant: Tenant) -> None:
    acting = require_team_admin(membership, tenant)
    if ScimToken.objects.filter(tenant=tenant).delete()[0]:
        _record_token_change(tenant, acting, made=False)


def token_opens(tenant: Tenant, raw: str) -> bool:
    """Whether `raw` is this collectivité's token (another's opens nothing here)."""
    if not raw.startswith(TOKEN_PREFIX):
        return False
    token = ScimToken.objects.filter(tenant=tenant).first()
    if token is None or not secrets.compare_digest(token.token_hash, _hash(raw)):
        return False
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return True


# -- People ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the directory says of someone (absent fields: None, left as they are)."""

    user_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    display_name: str | None = None
    external_id: str | None = None
    active: bool | None = None


def _address(value: str | None) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ScimError(
            400, _("userName doit être l'adresse e-mail de la personne."), "invalidValue"
        ) from None
    return email


def _full_name(person: Person) -> str:
    parts = [p.strip() for p in (person.given_name or "", person.family_name or "") if p]
    name = " ".join(part for part in parts if part) or (person.display_name or "").strip()
    return " ".join(name.split())[:150]


def _only_here(user: User, tenant: Tenant) -> bool:
    """The account is this collectivité's alone: its directory may change its name."""
    return not Membership.objects.filter(user=user).exclude(tenant=tenant).exists() and not (
        user.is_staff or user.is_superuser
    )


def visible_user_ids(tenant: Tenant) -> set[int]:
    """The people the directory sees: the staff, and those it deactivated."""
    staff = Membership.objects.filter(tenant=tenant, role__in=STAFF_ROLES).values_list(
        "user_id", flat=True
    )
    records = ScimUser.objects.filter(tenant=tenant).values_list("user_id", flat=True)
    return set(staff) | set(records)


def person(tenant: Tenant, user_id: int) -> User:
    if user_id not in visible_user_ids(tenant):
        raise ScimError(404, _("Cette personne ne fait pas partie de la collectivité."))
    return User.objects.get(pk=user_id)


def _record(tenant: Tenant, user: User) -> ScimUser:
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    record, _created = ScimUser.objects.get_or_create(
        tenant=tenant,
        user=user,
        defaults={
            "role": membership.role if membership else Role.AGENT,
            "active": membership is not None,
        },
    )
    return record


def _send_welcome(tenant: Tenant, user: User) -> None:
    context = {
        "tenant": tenant,
        "link": tenant.url(reverse("account_reset_password")),
        "email": user.email,
    }
    subject = one_line(render_to_string("scim/email/welcome_subject.txt", context))
    body = render_to_string("scim/email/welcome_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _last_admin(tenant: Tenant, user: User) -> bool:
    return (
        Membership.objects.filter(tenant=tenant, user=user, role=Role.ADMIN).exists()
        and not Membership.objects.filter(tenant=tenant, role=Role.ADMIN)
        .exclude(user=user)
        .exists()
    )


def _keep_an_admin(tenant: Tenant, user: User) -> None:
    if _last_admin(tenant, user):
        raise ScimError(
            400,
            _(
                "La collectivité doit garder au moins un administrateur : nommez-en un autre "
                "d'abord."
            ),
            "mutability",
        )


def _log_directory_action(user: User, verb: str, summary: str) -> None:
    """The tenant's activity log: the directory (no actor) did `verb` to `user`."""
    record_activity(
        actor=None,
        verb=verb,
        object_type="person",
        object_id=user.pk,
        summary=summary % {"name": user.display_name},
    )


def _set_active(tenant: Tenant, record: ScimUser, active: bool) -> None:
    user = record.user
    if active:
        _membership, created = Membership.objects.get_or_create(
            tenant=tenant, user=user, defaults={"role": record.role}
        )
        if created:
            _log_directory_action(
                user, "scim.user_activated", _("l'annuaire a donné accès à %(name)s")
            )
    else:
        current = Membership.objects.filter(tenant=tenant, user=user).first()
        if current is not None:
            _keep_an_admin(tenant, user)
            record.role = current.role
            SpaceMembership.objects.filter(user_id=user.pk).delete()
            current.delete()  # post_delete tells every process's membership cache
            _log_directory_action(
                user, "scim.user_deactivated", _("l'annuaire a retiré l'accès de %(name)s")
            )
    record.active = active
    record.save()


@transaction.atomic
def create_user(tenant: Tenant, data: Person) -> User:
    """A person the directory adds: a new account (its address confirmed by the person when
    they choose a password), or the existing one of that address, and a membership."""
    email = _address(data.user_name)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and ScimUser.objects.filter(tenant=tenant, user=user).exists():
        raise ScimError(409, _("Cette personne existe déjà dans la collectivité."), "uniqueness")
    if user is None:
        user = User.objects.create_user(email, None, full_name=_full_name(data))
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        transaction.on_commit(lambda: _send_welcome(tenant, user))
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    if membership is not None and membership.role not in STAFF_ROLES:
        # A citizen invited to a public project, now staff: the directory makes them an agent.
        membership.role = Role.AGENT
        membership.save(update_fields=["role"])
    record = ScimUser.objects.create(
        tenant=tenant,
        user=user,
        external_id=(data.external_id or "")[:255],
        role=membership.role if membership else Role.AGENT,
        active=membership is not None,
    )
    _log_directory_action(user, "scim.user_provisioned", _("l'annuaire a ajouté %(name)s"))
    _set_active(tenant, record, data.active is not False)
    return user


@transaction.atomic
def update_user(tenant: Tenant, user_id: int, data: Person) -> User:
    """PUT and PATCH: what the directory says changes; what it leaves out stays."""
    user = person(tenant, user_id)
    record = _record(tenant, user)
    if data.user_name is not None and _address(data.user_name) != user.email.lower():
        raise ScimError(
            400,
            _("L'adresse d'un compte se change par la personne, dans « Mon compte »."),
            "mutability",
        )
    name = _full_name(data)
    if name and name != user.full_name and _only_here(user, tenant):
        user.full_name = name
        user.save(update_fields=["full_name"])
    if data.external_id is not None:
        record.external_id = data.external_id[:255]
        record.save(update_fields=["external_id", "updated_at"])
    if data.active is not None and data.active != (
        Membership.objects.filter(tenant=tenant, user=user).exists()
    ):
        _set_active(tenant, record, data.active)
    return user


@transaction.atomic
def delete_user(tenant: Tenant, user_id: int) -> None:
    """The directory forgets someone: their access here goes; their account and what they
    wrote stay (people are never deleted by a collectivité)."""
    user = person(tenant, user_id)
    record = _record(tenant, user)
    _set_active(tenant, record, False)
    record.delete()


# -- Groups: the three roles ---------------------------------------------------------------------


def group_members(tenant: Tenant, role: str) -> list[Membership]:
    return list(
        Membership.objects.filter(tenant=tenant, role=role)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )


def _check_group(role: str) -> str:
    if role not in STAFF_ROLES:
        raise ScimError(404, _("Les groupes sont les trois rôles : admin, agent, elected."))
    return role


def _give_role(tenant: Tenant, user_id: int, role: str) -> None:
    user = person(tenant, user_id)
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    record = _record(tenant, user)
    if membership is None:  # deactivated: the role waits for their return
        record.role = role
        record.save(update_fields=["role", "updated_at"])
        return
    if membership.role == role:
        return
    if membership.role == Role.ADMIN:
        _keep_an_admin(tenant, user)
    membership.role = role
    membership.save(update_fields=["role"])
    record.role = role
    record.save(update_fields=["role", "updated_at"])
    record_activity(
        actor=None,
        verb="team.role_changed",
        object_type="person",
        object_id=user.pk,
        summary=_("l'annuaire a donné le rôle « %(role)s » à %(name)s")
        % {"role": Role(role).label, "name": user.display_name},
    )


@transaction.atomic
def add_to_group(tenant: Tenant, role: str, user_ids: list[int]) -> None:
    for user_id in user_ids:
        _give_role(tenant, user_id, _check_group(role))


@transaction.atomic
def remove_from_group(tenant: Tenant, role: str, user_ids: list[int]) -> None:
    """Out of their role's group, a person is an agent again (everyone here has a role)."""
    _check_group(role)
    for user_id in user_ids:
        membership = Membership.objects.filter(tenant=tenant, user_id=user_id, role=role).first()
        if membership is not None and role != Role.AGENT:
            _give_role(tenant, user_id, Role.AGENT)


@transaction.atomic
def replace_group(tenant: Tenant, role: str, user_ids: list[int]) -> None:
    _check_group(role)
    wanted = set(user_ids)
    for user_id in sorted(wanted):
        _give_role(tenant, user_id, role)
    if role != Role.AGENT:
        for membership in group_members(tenant, role):
            if membership.user_id not in wanted:
                _give_role(tenant, membership.user_id, Role.AGENT)


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
