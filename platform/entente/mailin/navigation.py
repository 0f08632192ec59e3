"""E-mail → task in the navigation: the person's addresses (account menu, administration)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import (
    ACCOUNT,
    ADMINISTRATION,
    NavEntry,
    register_entry,
    request_membership,
)

from .permissions import may_use_inbound_mail


def _may_use(request: HttpRequest, subject: Any = None) -> bool:
    return may_use_inbound_mail(request_membership(request))


def _admin_may_use(request: HttpRequest, subject: Any = None) -> bool:
    membership = request_membership(request)
    return may_use_inbound_mail(membership) and bool(membership.is_admin)


def register() -> None:
    register_entry(
        NavEntry(
            "inbound_addresses",
            ACCOUNT,
            _("Mes adresses de réception"),
            "mailin:addresses",
            _may_use,
            order=35,
        )
    )
    register_entry(
        NavEntry(
            "inbound_addresses",
            ADMINISTRATION,
            _("Adresses de réception (e-mail → tâche)"),
            "mailin:addresses",
            _admin_may_use,
            order=80,
        )
    )
