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
    platform = frozenset({PLATFORM_HOST})
    for key, label, url_name, order, hosts in (
        ("email", _("Mes adresses e-mail"), "account_email", 10, both),
        ("password", _("Mot de passe"), "account_change_password", 12, both),
        ("tenants", _("Mes collectivités"), "choose_tenant", 40, platform),
        ("api_tokens", _("Jetons d'API"), "api_tokens", 50, platform),
    ):
        register_entry(
            NavEntry(key, ACCOUNT, label, url_name, _logged_in, order=order, hosts=hosts)
        )
