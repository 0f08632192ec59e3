"""Searching: what the person may open, across every tenant they reach, in one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from entente.accounts.models import User
from entente.federation.reach import Reach
from tenants.models import Tenant

from .access import TenantScope, scopes_for
from .backends import get_backend
from .query import Hit, Results, SearchQuery
from .registry import search_kind


@dataclass(frozen=True)
class Found:
    """A hit with its tenant, its absolute URL and its kind's French label."""

    hit: Hit
    tenant: Tenant
    url: str
    kind_label: str


@dataclass(frozen=True)
class Answer:
    found: list[Found]
    total: int
    scopes: list[TenantScope]


def search(user: User, query: SearchQuery, *, reaches: Sequence[Reach] | None = None) -> Answer:
    """Search as `user`: only entries they may open, counted among those only."""
    scopes = scopes_for(user, reaches=reaches)
    if query.tenant_slugs:
        scopes = [scope for scope in scopes if scope.tenant.slug in query.tenant_slugs]
        query = replace(query, tenant_ids=tuple(scope.tenant_id for scope in scopes))
    if query.tenant_ids:
        scopes = [scope for scope in scopes if scope.tenant_id in query.tenant_ids]
    if not scopes or not query.words:
        return Answer(found=[], total=0, scopes=scopes)
    results: Results = get_backend().search(scopes, query)
    tenants = {scope.tenant_id: scope.tenant for scope in scopes}
    found = []
    for hit in results.hits:
        tenant = tenants.get(hit.tenant_id)
        if tenant is None:  # never: the filter keeps to the scopes; but never show it anyway
            continue
        kind = search_kind(hit.kind)
        found.append(
            Found(
                hit=hit,
                tenant=tenant,
                url=tenant.url(hit.url),
                kind_label=str(kind.label) if kind else hit.kind,
            )
        )
    return Answer(found=found, total=results.total, scopes=scopes)
