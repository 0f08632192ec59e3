"""The « Mon travail » page, on every tenant host and on the bare domain.

On a tenant host `TenantMembershipMiddleware` has already required that the person reaches the
host's tenant; on the bare domain any logged-in person may open it. Either way it shows only
the person's own things, from the tenants they reach (`selectors.work_page`: the page's rows
and every filter's count, from one statement).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from entente.accounts.models import User
from entente.federation.reach import reachable_tenants

from .selectors import FILTERS, work_page

PAGE_SIZE = 50


@login_required
@require_GET
def my_work_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    key = request.GET.get("filter", "all")
    if key not in FILTERS:
        key = "all"
    today = timezone.localdate()
    reaches = reachable_tenants(user)
    request.reaches = reaches  # type: ignore[attr-defined]  # the header's switcher reuses them
    page, counts = work_page(
        user,
        key=key,
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
        reaches=reaches,
        today=today,
    )
    filters = [
        {"key": name, "label": label, "count": counts[name], "current": name == key}
        for name, label in FILTERS.items()
    ]
    context = {
        "page": page,
        "items": page.object_list,
        "filters": filters,
        "filter": key,
        "filter_label": FILTERS[key],
        "today": today,
        "query": urlencode({"filter": key}) if key != "all" else "",
    }
    return render(request, "mywork/my_work.html", context)
