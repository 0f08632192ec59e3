"""The notifications' entries in the account menu (both hosts: the inbox spans tenants)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import (
    ACCOUNT,
    PLATFORM_HOST,
    TENANT_HOST,
    NavEntry,
    host_kind,
    register_entry,
    request_membership,
)
from entente.core.tour import TourStop, register_tour_stop


def _may_open(request: HttpRequest, subject: Any = None) -> bool:
    """On a tenant host, whoever it admits; on the bare domain, any logged-in person."""
    if host_kind(request) == TENANT_HOST:
        return request_membership(request) is not None
    return bool(request.user.is_authenticated)


def register() -> None:
    both = frozenset({TENANT_HOST, PLATFORM_HOST})
    register_entry(
        NavEntry(
            "notifications",
            ACCOUNT,
            _("Notifications"),
            "notifications:list",
            _may_open,
            order=20,
            hosts=both,
        )
    )
    register_entry(
        NavEntry(
            "notification_preferences",
            ACCOUNT,
            _("Préférences de notification"),
            "notifications:preferences",
            _may_open,
            order=30,
            hosts=both,
        )
    )
    register_tour_stop(
        TourStop(
            "notifications",
            ACCOUNT,
            "notifications",
            _(
                "Ce qui vous concerne : une tâche confiée, une mention, une réunion. Vous "
                "choisissez ce qui vous est aussi envoyé par e-mail."
            ),
            _("La cloche, en haut de chaque page, et le menu de votre compte."),
            order=70,
        )
    )
