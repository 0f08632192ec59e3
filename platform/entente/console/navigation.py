"""The administration's entries: the tenant's export and support access; the vendor console."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import (
    ACCOUNT,
    ADMINISTRATION,
    PLATFORM_HOST,
    NavEntry,
    register_entry,
    request_membership,
)

from .access import Access, console_access
from .tenant_views import may_administer


def _administers(request: HttpRequest, subject: Any = None) -> bool:
    return may_administer(request_membership(request))


def _console_granted(request: HttpRequest, subject: Any = None) -> bool:
    """`entente.console.access.staff_required`; staff still missing MFA are shown the way in."""
    return console_access(request) is not Access.DENIED


def register() -> None:
    register_entry(
        NavEntry(
            "export",
            ADMINISTRATION,
            _("Exporter les données"),
            "administration:export",
            _administers,
            order=60,
        )
    )
    register_entry(
        NavEntry(
            "support",
            ADMINISTRATION,
            _("Accès du support"),
            "administration:support",
            _administers,
            order=70,
        )
    )
    register_entry(
        NavEntry(
            "console",
            ACCOUNT,
            _("Console de l'équipe Entente"),
            "console:tenants",
            _console_granted,
            order=90,
            hosts=frozenset({PLATFORM_HOST}),
        )
    )
