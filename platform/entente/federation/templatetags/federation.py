"""`{% person_name user %}`: « Prénom Nom (Commune) » for people there through a commune.

In an EPCI's spaces, everyone who came through a member commune is shown with it (issue 5,
"everywhere their name is shown with their commune"). The names are read once per request
(`spaces.selectors.federated_commune_names`, two queries, and none outside an EPCI's host).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from entente.accounts.models import User
from entente.spaces.selectors import federated_commune_names, name_with_commune
from tenants.models import TenantKind

register = template.Library()


def communes_of_request(request: HttpRequest | None) -> dict[int, str]:
    """Person id → commune, for the request's tenant (memoised on the request)."""
    if request is None:
        return {}
    cached: dict[int, str] | None = getattr(request, "_federated_communes", None)
    if cached is None:
        tenant = getattr(request, "tenant", None)
        cached = (
            federated_commune_names()
            if tenant is not None and tenant.kind == TenantKind.EPCI
            else {}
        )
        request._federated_communes = cached  # type: ignore[attr-defined]
    return cached


@register.simple_tag(takes_context=True)
def person_name(context: Any, user: User | None) -> str:
    if user is None:
        return ""
    return name_with_commune(user, communes_of_request(context.get("request")))
