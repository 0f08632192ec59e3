"""Demo data of the team: one colleague's invitation waiting in each collectivité."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from entente.accounts.models import Role, User

from .models import ColleagueInvitation
from .selectors import token_hash


def seed_team(tenant_slug: str, by: User | None) -> int:
    """Leave one invitation pending (no e-mail is sent: its link is unknown, as a real one
    would be to anyone but its recipient). Idempotent; returns how many rows it made."""
    address = f"nouvelle.recrue@{tenant_slug}.courriel.test"
    if ColleagueInvitation.objects.filter(email=address).exists():
        return 0
    now = timezone.now()
    ColleagueInvitation.objects.create(
        email=address,
        role=Role.AGENT,
        message="Bienvenue ! Tu trouveras ici nos espaces et nos procédures.",
        token_hash=token_hash(secrets.token_urlsafe(32)),
        invited_by=by,
        sent_at=now,
        expires_at=now + timedelta(days=14),
    )
    return 1
