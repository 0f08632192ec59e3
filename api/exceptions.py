"""Every error under /api/ is one JSON shape with a French message, whatever raised it.

The shape (documented as `Error` in the OpenAPI by `api.schema`)::

    {"detail": "Phrase en français.", "code": "invalid", "errors": {"champ": ["…"]}}

`detail` is always there and can be shown as is; `code` is stable for programs; `errors` only
comes with a 400 for invalid data, field by field (`non_field_errors` for the whole request;
a nested list keeps its shape: `{"items": [{}, {"title": ["…"]}]}`).

Two places make it so:
- `exception_handler` (DRF's EXCEPTION_HANDLER) for what views raise: DRF's exceptions, and
  Django's ValidationError and PermissionDenied raised by services (their French message kept);
- `ApiErrorMiddleware` for what happens outside DRF: an unknown path (Django's 404), a server
  error (never the HTML debug page, even with DEBUG), a body too large, and any other non-JSON
  error answer under /api/.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from entente.core.errors import DUPLICATE

from .parsers import control_character_message, has_control_character

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
NON_FIELD_ERRORS = "non_field_errors"


def status_message(status: int) -> tuple[str, str]:
    """The French message and the code of an error answer that carries no message of its own."""
    messages: dict[int, tuple[str, str]] = {
        400: (_("Requête invalide."), "bad_request"),
        401: (_("Authentification requise."), "not_authenticated"),
        403: (_("Vous n'avez pas le droit de faire cela."), "permission_denied"),
        404: (_("Cette adresse n'existe pas ou ne vous est pas accessible."), "not_found"),
        405: (_("Méthode non autorisée sur cette adresse."), "method_not_allowed"),
        406: (_("Format de réponse non disponible : l'API répond en JSON."), "not_acceptable"),
        409: (_("La ressource a changé entre-temps : rechargez-la."), "conflict"),
        413: (_("Requête trop volumineuse."), "request_too_large"),
        415: (_("Type de contenu non pris en charge."), "unsupported_media_type"),
        429: (_("Trop de requêtes : réessayez dans un moment."), "throttled"),
    }
    if status in messages:
        return messages[status]
    if status >= 500:
        return (
            _("Erreur du serveur : l'équipe technique est prévenue. Réessayez plus tard."),
            "server_error",
        )
    return _("Requête refusée."), "error"


def error_body(detail: str, code: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": str(detail), "code": code}
    if errors is not None:
        body["errors"] = errors
    return body


def _plain(detail: Any) -> Any:
    """DRF's ErrorDetail strings as plain strings, the structure kept."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(value) for value in detail]
    return str(detail)


def validation_body(detail: Any) -> dict[str, Any]:
    """A 400 for invalid data: `errors` by field; `detail` says what, in one sentence."""
    errors = _plain(detail)
    if not isinstance(errors, dict):
        errors = {NON_FIELD_ERRORS: errors if isinstance(errors, list) else [errors]}
    if "__all__" in errors:
        errors[NON_FIELD_ERRORS] = errors.pop("__all__")
    general = errors.get(NON_FIELD_ERRORS)
    if set(errors) == {NON_FIELD_ERRORS} and general and all(isinstance(m, str) for m in general):
        summary = " ".join(general)
    else:
        summary = _("Certaines données sont invalides : voyez le détail par champ dans « errors ».")
    return error_body(summary, "invalid", errors)


def _django_validation_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return [str(m) for m in error.messages]


def _is_duplicate(error: DjangoValidationError) -> bool:
    if hasattr(error, "error_dict"):
        return any(_is_duplicate(e) for errs in error.error_dict.values() for e in errs)
    return any(e.code == DUPLICATE for e in error.error_list)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (headers such as WWW-Authenticate and Retry-After), then our one shape.

    A service's refusal because the name or the person is already there (`DUPLICATE`) is a
    409 Conflict with the same field errors as a 400: the request was well formed."""
    conflict = False
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        # A service's refusal says why, in the person's language: keep its words.
        exc = exceptions.PermissionDenied(str(exc))
    if isinstance(exc, DjangoValidationError):
        conflict = _is_duplicate(exc)
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: ApiErrorMiddleware answers it
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
        if conflict:
            response.status_code = 409
            response.data["code"] = "conflict"
        return response
    fallback_message, fallback_code = status_message(response.status_code)
    drf_exc = exc if isinstance(exc, exceptions.APIException) else None
    detail = getattr(drf_exc, "detail", None)
    codes = drf_exc.get_codes() if drf_exc is not None else None
    extra: dict[str, str] = {}
    if isinstance(detail, dict) and isinstance(detail.get("detail"), str):
        # An exception that names more than its message (a 409 naming the existing object):
        # the message is the detail, the other keys stay beside it.
        extra = {k: str(v) for k, v in detail.items() if k not in {"detail", "code", "errors"}}
        codes = codes.get("detail") if isinstance(codes, dict) else codes
        detail = str(detail["detail"])
    if not isinstance(detail, str) or detail == str(exceptions.NotFound.default_detail):
        detail = fallback_message  # Django's bare Http404, or DRF's terse « Pas trouvé. »
    response.data = {
        **error_body(detail, codes if isinstance(codes, str) else fallback_code),
        **extra,
    }
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, detail: str | None = None, code: str | None = None) -> JsonResponse:
    message, default_code = status_message(status)
    return JsonResponse(error_body(detail or message, code or default_code), status=status)


def refuse_hostile_request(request: HttpRequest) -> JsonResponse | None:
    """What no view should ever see: a control character in a query parameter (the body's are
    refused by `api.parsers`), or a body other than a file upload beyond Django's memory limit
    (DRF reads JSON from the stream, so DATA_UPLOAD_MAX_MEMORY_SIZE alone would not stop it)."""
    for name, values in request.GET.lists():
        if has_control_character(name) or any(has_control_character(v) for v in values):
            body = validation_body({name: [control_character_message()]})
            return JsonResponse(body, status=400)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return json_error(400, _("En-tête Content-Length invalide."))
    content_type = request.META.get("CONTENT_TYPE", "")
    if limit is not None and length > limit and not content_type.startswith("multipart/"):
        return json_error(413)
    return None


def in_error_shape(response: HttpResponse) -> HttpResponse:
    """A JSON error written elsewhere (a middleware's `{"detail": …}`) given its `code`."""
    if getattr(response, "streaming", False):
        return response
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str) and "code" in body:
        return response
    message, code = status_message(response.status_code)
    fixed = body if isinstance(body, dict) else {}
    detail = fixed.get("detail")
    fixed.update(detail=detail if isinstance(detail, str) else message, code=code)
    response.content = json.dumps(fixed, ensure_ascii=False).encode()
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


class ApiErrorMiddleware:
    """Under /api/: every error answer in JSON, every server error a JSON 500 (logged as Django
    logs it, and signalled so that Sentry and the test client still see the exception)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            refused = refuse_hostile_request(request)
            if refused is not None:
                return refused
        response = self.get_response(request)
        if not is_api_request(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return in_error_shape(response)
        converted = json_error(response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                converted[header] = response[header]
        return converted

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_request(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return json_error(413)
        if isinstance(exception, (Http404, SuspiciousOperation)):
            return None  # Django answers 404 / 400; __call__ turns the page into JSON
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        got_request_exception.send(sender=None, request=request)
        return json_error(500)
