"""What every page needs: the current tenant, the person's other tenants, the platform's URL."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .links import platform_url


def entente(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "current_tenant": tenant,
        "current_membership": getattr(request, "membership", None),
        "platform_url": platform_url("/"),
    }
    if user is not None and user.is_authenticated:
        from entente.accounts.selectors import memberships_of

        # Lazy: evaluated only by templates that show the switcher.
        context["my_memberships"] = memberships_of(user)
    return context
