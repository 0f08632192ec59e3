"""What every page needs: the current tenant and membership, the platform's URL, the menus.

The person's other tenants (the switcher) come from `entente.mywork.context_processors`. The
menus (`entente.core.navigation`) are lazy lists: computed only if the page's template reads them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .links import platform_url
from .navigation import ACCOUNT, ADMINISTRATION, MAIN, links_for


def entente(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    return {
        "current_tenant": tenant,
        "current_membership": getattr(request, "membership", None),
        "platform_url": platform_url("/"),
        # The footer's mention the law requires: « Accessibilité : non conforme »…
        "accessibility_status": settings.ENTENTE_ACCESSIBILITY_STATUS,
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The header's menus, each holding only what the acting person may open."""

    def menu(name: str) -> SimpleLazyObject:
        return SimpleLazyObject(lambda: links_for(request, name))

    return {
        "nav_main": menu(MAIN),
        "nav_administration": menu(ADMINISTRATION),
        "nav_account": menu(ACCOUNT),
    }
