"""The sign-up's entry in the navigation: requests to join the collectivité, for its admins."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import ADMINISTRATION, NavEntry, register_entry, request_membership

from .joins import may_decide


def _may_decide_here(request: HttpRequest, subject: Any = None) -> bool:
    """`entente.signup.views._admin_only` (the membership check first: no query for others)."""
    tenant = getattr(request, "tenant", None)
    return tenant is not None and may_decide(request_membership(request), tenant)


def register() -> None:
    register_entry(
        NavEntry(
            "join_requests",
            ADMINISTRATION,
            _("Demandes d'adhésion"),
            "signup:join_requests",
            _may_decide_here,
            order=20,
        )
    )
