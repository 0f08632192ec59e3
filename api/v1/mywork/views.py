"""GET /api/v1/me/work/: « Mon travail » through the API, on any host of a tenant one reaches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response

from entente.accounts.models import User
from entente.mywork.selectors import FILTERS, WorkItem, filter_items, my_work

from .serializers import WorkItemSerializer


class MyWork(generics.ListAPIView[Any]):
    """Your open tasks, checklists and unread mentions, from every collectivité you reach.

    One list sorted by date (due date, then last change), each item marked with its collectivité
    and linking to it on that collectivité's address. The host only decides who you are (its
    members, or the staff of its federated communes, may call it): the list is the same on
    every host.
    """

    serializer_class = WorkItemSerializer
    filter_backends: list[Any] = []  # a list, not a queryset: filtered by `filter` below

    @extend_schema(
        operation_id="me_work_list",
        parameters=[
            OpenApiParameter(
                "filter",
                str,
                enum=list(FILTERS),
                description="all (par défaut), week (échéance cette semaine), overdue (en "
                "retard) ou mentions (mentions non lues)",
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[WorkItem]:  # type: ignore[override]
        if getattr(self, "swagger_fake_view", False):  # schema generation: nobody's work
            return []
        key = self.request.query_params.get("filter") or "all"
        if key not in FILTERS:
            raise exceptions.ValidationError(
                {
                    "filter": [
                        _("Filtre inconnu : choisissez all, week, overdue, mentions ou meetings.")
                    ]
                }
            )
        user: User = self.request.user  # type: ignore[assignment]  # IsTenantMember: logged in
        return filter_items(my_work(user), key)
