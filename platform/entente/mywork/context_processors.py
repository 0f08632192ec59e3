"""The header's tenant switcher: computed only if a template reads it (a lazy list)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def tenant_switcher(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def entries() -> list[Any]:
        from entente.federation.reach import reachable_tenants

        from .selectors import tenant_switcher as build

        # The page that already read the person's reaches (« Mon travail ») hands them over;
        # otherwise they are read here and kept for the rest of the page (the home's panel).
        reaches = getattr(request, "reaches", None)
        if reaches is None:
            reaches = reachable_tenants(user)
            request.reaches = reaches  # type: ignore[attr-defined]
        return build(user, reaches=reaches)

    return {"my_tenants": SimpleLazyObject(entries)}
