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
        from .selectors import tenant_switcher as build

        # The page that already read the person's reaches (« Mon travail ») hands them over.
        return build(user, reaches=getattr(request, "reaches", None))

    return {"my_tenants": SimpleLazyObject(entries)}
