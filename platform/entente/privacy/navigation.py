"""The account menu's « Mes données » entry, on the bare domain (entente.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import ACCOUNT, PLATFORM_HOST, NavEntry, register_entry


def _logged_in(request: HttpRequest, subject: Any = None) -> bool:
    return bool(request.user.is_authenticated)


def register() -> None:
    register_entry(
        NavEntry(
            "my_data",
            ACCOUNT,
            _("Mes données"),
            "privacy:home",
            _logged_in,
            order=60,
            hosts=frozenset({PLATFORM_HOST}),
        )
    )
