"""GET /api/v1/me/work/: « Mon travail » through the API, on any host of a tenant one reaches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from entente.accounts.models import User
from entente.mywork.selectors import FILTERS, WorkItem, WorkList

from .serializers import WorkItemSerializer


class MyWork(generics.ListAPIView[Any]):
    """Your open tasks, checklists and unread mentions, from every collectivité you reach.

    One list sorted by date (due date, then last change), each item marked with its collectivité
    and linking to it on that collectivité's address. The host only decides who you are (its
    members, or the staff of its federated communes, may call it): the list is the same on
    every host.
    """

    serializer_class = WorkItemSerializer
    # Not a queryset: `WorkList` filters, counts and cuts the page in one statement.
    filter_backends: list[Any] = []

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

    def get_queryset(self) -> WorkList | list[WorkItem]:  # type: ignore[override]
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
        paginator = self.paginator
        if not isinstance(paginator, PageNumberPagination):  # not this API's pagination
            return WorkList(user, key=key)
        # The page DRF will ask for is fetched with the counts (page_size: a 400 if invalid).
        return WorkList(
            user,
            key=key,
            page=self.request.query_params.get(paginator.page_query_param),
            per_page=paginator.get_page_size(self.request) or paginator.page_size or 50,
        )
