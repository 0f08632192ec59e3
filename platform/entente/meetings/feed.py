"""Writes and reads of the private iCal feed tokens (one active per person and tenant).

The raw token is an unguessable URL part shown once to its owner; only its SHA-256 is stored,
so a copy of the database reveals no feed address.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import is_support_reader
from entente.accounts.models import Membership

from .models import FeedToken


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require_own(acting: Membership) -> None:
    if is_support_reader(acting):
        raise PermissionDenied(_("L'accès de support ne crée pas de flux de calendrier."))


@transaction.atomic
def issue_feed_token(acting: Membership) -> str:
    """A new feed address for the acting person; the previous one stops working."""
    _require_own(acting)
    revoke_feed_tokens(acting)
    raw = secrets.token_urlsafe(32)
    FeedToken.objects.create(person_id=acting.user_id, token_hash=token_hash(raw))
    return raw


@transaction.atomic
def revoke_feed_tokens(acting: Membership) -> int:
    _require_own(acting)
    return FeedToken.objects.filter(person_id=acting.user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def person_of_token(raw: str) -> int | None:
    """The id of the person whose active token `raw` is, or None (unknown or revoked)."""
    return (
        FeedToken.objects.filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .values_list("person_id", flat=True)
        .first()
    )


def has_active_token(person_id: int) -> bool:
    return FeedToken.objects.filter(person_id=person_id, revoked_at__isnull=True).exists()
