"""The account menu's own entries: the person's account, tenants and API tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import (
    ACCOUNT,
    PLATFORM_HOST,
    TENANT_HOST,
    NavEntry,
    register_entry,
    set_contacts_provider,
)
from tenants.models import Tenant

from .models import Membership, Role

ADMINS_NAMED = 5  # a refusal names this many admins at most


def _logged_in(request: HttpRequest, subject: Any = None) -> bool:
    return bool(request.user.is_authenticated)


def admin_names(tenant: Tenant) -> list[str]:
    """Whom a refused person should ask: the tenant's admins, longest-standing first."""
    admins = (
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("created_at")[:ADMINS_NAMED]
    )
    return [membership.user.display_name for membership in admins]


def register() -> None:
    set_contacts_provider(admin_names)
    both = frozenset({TENANT_HOST, PLATFORM_HOST})
    register_entry(
        NavEntry(
            "email", ACCOUNT, _("Mes adresses e-mail"), "account_email", _logged_in, 10, None, both
        )
    )
    register_entry(
        NavEntry(
            "password",
            ACCOUNT,
            _("Mot de passe"),
            "account_change_password",
            _logged_in,
            12,
            None,
            both,
        )
    )
    register_entry(
        NavEntry(
            "tenants",
            ACCOUNT,
            _("Mes collectivités"),
            "choose_tenant",
            _logged_in,
            40,
            None,
            frozenset({PLATFORM_HOST}),
        )
    )
    register_entry(
        NavEntry(
            "api_tokens",
            ACCOUNT,
            _("Jetons d'API"),
            "api_tokens",
            _logged_in,
            50,
            None,
            frozenset({PLATFORM_HOST}),
        )
    )
