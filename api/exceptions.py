"""Services raise Django's ValidationError; the API answers it as a 400 like DRF's own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        if isinstance(detail, dict) and "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)
