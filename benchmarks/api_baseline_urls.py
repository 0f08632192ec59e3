"""URLs and middleware of the baseline server (see benchmarks/api_baseline.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

from api.v1.tasks.views import TaskListCreate
from entente.accounts.models import Membership

_pinned: dict[int, Membership] = {}


class PinnedMembershipMiddleware:
    """The logged-in person's membership of the one benchmarked tenant, loaded once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.tenant_id = int(os.environ["BENCH_TENANT_ID"])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        membership = None
        if user.is_authenticated:
            membership = _pinned.get(user.pk)
            if membership is None:
                membership = Membership.objects.select_related("tenant", "user").get(
                    user_id=user.pk, tenant_id=self.tenant_id
                )
                _pinned[user.pk] = membership
        request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)


urlpatterns = [path("api/v1/tasks/", TaskListCreate.as_view(), name="api-task-list")]
