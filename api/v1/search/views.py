"""GET /api/v1/search/: search every collectivité you reach, as the results page does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, overload

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import DefaultPagination
from entente.accounts.models import User
from entente.search.query import MAX_LIMIT
from entente.search.selectors import Answer, Found, search

from .serializers import SearchParamsSerializer, SearchResultSerializer


class _Page(Sequence[Found]):
    """The page the backend returned, seen by the paginator as the whole list of `total`."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    def __len__(self) -> int:
        return self.answer.total

    @overload
    def __getitem__(self, index: int) -> Found: ...
    @overload
    def __getitem__(self, index: slice) -> list[Found]: ...
    def __getitem__(self, index: int | slice) -> Found | list[Found]:
        if isinstance(index, slice):
            return list(self.answer.found)
        return self.answer.found[index]


class SearchPagination(DefaultPagination):
    max_page_size = MAX_LIMIT
    page_size = 20


class Search(generics.GenericAPIView[Any]):
    """Find what you may open, in every collectivité you reach.

    French matching (accents and case ignored, plurals and stems, a typo in a title, the last
    word as a prefix), filtered by your rights inside the query: nothing you may not open is
    listed or counted. Results are sorted by relevance (or date) and paginated.
    """

    serializer_class = SearchResultSerializer
    pagination_class = SearchPagination
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="search_list",
        parameters=[SearchParamsSerializer],
        responses=SearchResultSerializer(many=True),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator: SearchPagination = self.paginator  # type: ignore[assignment]
        size = params.validated_data.get("page_size") or paginator.page_size
        number = params.validated_data.get("page") or 1
        query = replace(params.to_query(), limit=size, offset=(number - 1) * size)
        user: User = request.user  # type: ignore[assignment]  # IsTenantMember: logged in
        answer = search(user, query)
        page = paginator.paginate_queryset(_Page(answer), request, view=self)
        serializer = self.get_serializer(page, many=True)
        return paginator.get_paginated_response(serializer.data)
