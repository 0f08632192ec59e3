"""The results page `/recherche/` and the header's suggestions, on every tenant host.

`TenantMembershipMiddleware` has already required that the person reaches the host's tenant;
the results come from every tenant they reach (`selectors.search`), grouped by tenant and kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from entente.accounts.models import User
from entente.analytics.services import note_use
from entente.federation.reach import reachable_tenants
from tenants.models import Tenant

from .forms import PAGE_SIZE, SearchForm
from .selectors import Found, search

SUGGESTIONS = 8


@dataclass
class KindGroup:
    label: str
    found: list[Found] = field(default_factory=list)


@dataclass
class TenantGroup:
    tenant: Tenant
    kinds: dict[str, KindGroup] = field(default_factory=dict)


def group_by_tenant_and_kind(found: list[Found]) -> list[TenantGroup]:
    """Tenants in the order of their best hit; inside, kinds likewise."""
    groups: dict[int, TenantGroup] = {}
    for item in found:
        group = groups.setdefault(item.tenant.pk, TenantGroup(tenant=item.tenant))
        group.kinds.setdefault(item.hit.kind, KindGroup(label=item.kind_label)).found.append(item)
    return list(groups.values())


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET)
    query = form.to_query(limit=PAGE_SIZE)
    reaches = reachable_tenants(user)
    request.reaches = reaches  # type: ignore[attr-defined]  # the header's switcher reuses them
    answer = search(user, query, reaches=reaches)
    if query.text:
        note_use(request, "search.done")  # the discovery score's "search" (entente.analytics)
    page = query.offset // PAGE_SIZE + 1
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "form": form,
        "query": query,
        "answer": answer,
        "groups": group_by_tenant_and_kind(answer.found),
        "page": page,
        "previous_url": f"?{urlencode({**params, 'page': page - 1})}" if page > 1 else "",
        "next_url": (
            f"?{urlencode({**params, 'page': page + 1})}"
            if query.offset + len(answer.found) < answer.total
            else ""
        ),
        "tenants": [scope.tenant for scope in answer.scopes],
    }
    return render(request, "search/results.html", context)


@login_required
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The header's listbox (HTMX): the best few matches as links, prefix of the last word."""
    user: User = request.user  # type: ignore[assignment]
    query = SearchForm(request.GET).to_query(limit=SUGGESTIONS, prefix=True)
    answer = search(user, query)
    return render(request, "search/_suggestions.html", {"query": query, "answer": answer})
