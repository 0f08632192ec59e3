"""What every page needs: the current tenant and membership, the platform's URL.

The person's other tenants (the switcher) come from `entente.mywork.context_processors`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .links import platform_url


def entente(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    return {
        "current_tenant": tenant,
        "current_membership": getattr(request, "membership", None),
        "platform_url": platform_url("/"),
    }
