"""One pagination for the whole API: `?page=N&page_size=M` (1 ≤ M; above 200 counts as 200).

A `page` or `page_size` that is not a positive integer is a 400, as its OpenAPI type says,
rather than silently ignored (DRF's default): a client sending `page_size=null` learns it.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class DefaultPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Nombre entier positif attendu.")]}
            )
        return min(size, self.max_page_size)

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        """`page` given but not a positive number (`?page=`, `?page=abc`) is a 400; a page past
        the last one stays DRF's 404."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not re.fullmatch(r"[1-9][0-9]*", raw):
            raise ValidationError({self.page_query_param: [_("Numéro de page attendu (1, 2…).")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in {self.page_query_param, self.page_size_query_param}:
                parameter["schema"]["minimum"] = 1
        return parameters
