"""Demo data of invited citizens: what a public project opens, and one invitation waiting."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from entente.accounts.models import User
from entente.spaces.models import Space

from .models import CitizenInvitation, CitizenSection, PublicProjectSettings
from .selectors import token_hash

PENDING_ADDRESS = "voisin.du.marais@courriel.test"


def seed_citizens(space: Space, by: User | None) -> int:
    """Open discussions and tasks to citizens, and leave one invitation pending (no e-mail is
    sent: its link is unknown, as a real one would be to anyone but its recipient). Idempotent;
    returns how many rows it made."""
    made = 0
    _row, created = PublicProjectSettings.objects.update_or_create(
        space=space,
        defaults={
            "open_sections": [CitizenSection.DISCUSSIONS.value, CitizenSection.TASKS.value],
            "updated_by": by,
        },
    )
    made += int(created)
    if not CitizenInvitation.objects.filter(space=space, email=PENDING_ADDRESS).exists():
        now = timezone.now()
        CitizenInvitation.objects.create(
            space=space,
            email=PENDING_ADDRESS,
            message="Venez proposer vos photos du marais !",
            token_hash=token_hash(secrets.token_urlsafe(32)),
            invited_by=by,
            sent_at=now,
            expires_at=now + timedelta(days=14),
        )
        made += 1
    return made
