"""Writes about people and memberships."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Tenant

from .models import ApiToken, Membership, Role, User


@transaction.atomic
def add_member(tenant: Tenant, user: User, role: str = Role.AGENT) -> Membership:
    """Give a person a role in a tenant (idempotent: an existing membership takes the new role)."""
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=tenant, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(tenant: Tenant, user: User) -> None:
    Membership.objects.filter(tenant=tenant, user=user).delete()


def create_invited_account(email: str, full_name: str, password: str) -> User:
    """The account of someone who follows an invitation link (a colleague's, a citizen's): the
    link, received at `email`, proves the address, which is stored as verified."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Indiquez votre nom.")})
    if len(full_name) > 150:
        raise ValidationError({"full_name": _("Le nom est trop long : 150 caractères au plus.")})
    user = User(email=email, full_name=full_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user = User.objects.create_user(email, password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def hide_first_steps(membership: Membership) -> None:
    """The person no longer wants the home page's « Premiers pas » (idempotent)."""
    if membership.pk is None:  # a stand-in (federated staff, support reader): nothing to keep
        return
    row = Membership.objects.get(pk=membership.pk)
    if not row.first_steps_hidden:
        row.first_steps_hidden = True
        row.save(update_fields=["first_steps_hidden"])  # its signal refreshes the cache


def close_tour(user: User) -> bool:
    """The person has taken the guided tour to its end or declined it: it is no longer
    offered (it stays in the account menu). True when this closed it (idempotent)."""
    now = timezone.now()
    closed = User.objects.filter(pk=user.pk, tour_closed_at__isnull=True).update(tour_closed_at=now)
    if closed:
        user.tour_closed_at = now
    return bool(closed)


# -- Personal API tokens ---------------------------------------------------------------------------
TOKEN_PREFIX = "ent_"  # noqa: S105 - a public marker, not a secret
TOKEN_NAME_MAX_LENGTH = 100
TOKENS_PER_PERSON = 50
# Writing last_used_at on every call would turn each API read into a write: once a minute is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    """SHA-256 suffices: the secret is 32 random bytes, not a password a person chose."""
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once to its person, never stored


@transaction.atomic
def create_api_token(user: User, *, name: str, expires_at: datetime | None = None) -> NewToken:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            {"name": _("Donnez un nom au jeton, par exemple l'outil qui l'utilisera.")}
        )
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("Le nom est trop long : %(max)d caractères au plus.")
                % {"max": TOKEN_NAME_MAX_LENGTH}
            }
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Choisissez une date d'expiration à venir.")})
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= TOKENS_PER_PERSON:
        raise ValidationError(
            _("Vous avez déjà %(count)d jetons actifs : révoquez ceux qui ne servent plus.")
            % {"count": active}
        )
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, key_hash=_hash(raw), expires_at=expires_at
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def revoke_api_token(user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the person's own tokens (idempotent); it stops working at once."""
    if token.user_id != user.pk:
        raise PermissionDenied(_("Ce jeton n'est pas le vôtre."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_api_token(raw: str) -> ApiToken | None:
    """The usable token `raw` stands for (its person active), or None; notes its last use."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = raw.removeprefix(TOKEN_PREFIX).partition("_")
    if not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Compare the hashes in constant time, and hash even when no row matched.
    expected = token.key_hash if token is not None else "0" * 64
    if not hmac.compare_digest(expected, _hash(raw)) or token is None:
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
