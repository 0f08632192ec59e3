"""The citizens' entries in the navigation: a project's invitations, the tenant's guests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import (
    ADMINISTRATION,
    SPACE,
    NavEntry,
    register_entry,
    request_membership,
)
from entente.spaces.models import Visibility

from .services import may_invite, may_remove_guests


def _may_invite_here(request: HttpRequest, subject: Any) -> bool:
    if subject.space.visibility != Visibility.PUBLIC_PROJECT or not subject.abilities.manage:
        return False
    return may_invite(request_membership(request), subject.space)


def register() -> None:
    register_entry(
        NavEntry(
            "citizens",
            SPACE,
            _("Citoyens invités"),
            "citizens:space",
            _may_invite_here,
            order=920,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_entry(
        NavEntry(
            "guests",
            ADMINISTRATION,
            _("Citoyens invités"),
            "citizens:guests",
            lambda request, subject: may_remove_guests(request_membership(request)),
            order=30,
        )
    )
