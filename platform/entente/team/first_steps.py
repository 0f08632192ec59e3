"""The team's first step for a new collectivité's admins (`entente.core.first_steps`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from entente.accounts.models import Membership, Role
from entente.core.first_steps import FirstStep, register_first_step

from .models import ColleagueInvitation


def _done(tenant: Any) -> bool:
    """Someone was invited, or the team already counts more than one person."""
    staff = Membership.objects.filter(tenant=tenant).exclude(role=Role.GUEST)
    return ColleagueInvitation.objects.exists() or staff[:2].count() > 1


def register() -> None:
    register_first_step(
        FirstStep(
            "team",
            _("Invitez vos collègues"),
            _("Chacun reçoit un lien par e-mail et arrive avec le bon rôle."),
            "team:members",
            _done,
            order=10,
        )
    )
