"""503 with `Retry-After` while PostgreSQL or Redis is unreachable, never a 500 or a traceback.

Django turns an exception raised in any middleware or view into a response where it happens
(`convert_exception_to_response`), so an outer middleware sees only a 500. It also sends
`got_request_exception` from inside that `except` block: `remember_outage` listens there and
marks the request when the exception (or its cause) is a lost database or Redis connection;
`OutageMiddleware`, outermost but for the request metrics, then replaces that response by a
short French answer: JSON under `/api/`, a calm page otherwise, rendered without the database
(no context processor, no session).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_MARK = "_entente_outage"


def _outage_exceptions() -> tuple[type[BaseException], ...]:
    import redis.exceptions
    from kombu.exceptions import OperationalError as BrokerOperationalError

    return (
        DatabaseOperationalError,
        DatabaseInterfaceError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        BrokerOperationalError,
    )


def is_outage(error: BaseException | None) -> bool:
    """A lost connection to PostgreSQL, Redis or the broker, here or in the causes' chain."""
    kinds = _outage_exceptions()
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kinds):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def remember_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """`got_request_exception` receiver: runs inside the `except` of the failed request."""
    error = sys.exc_info()[1]
    if request is not None and is_outage(error):
        setattr(request, _MARK, type(error).__name__)


def outage_response(request: HttpRequest) -> HttpResponse:
    message = _(
        "Le service est momentanément indisponible. Vos données sont en sécurité : "
        "réessayez dans quelques instants."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "service_unavailable"}, status=503)
    else:
        page = render_to_string("core/outage.html", {"message": message})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cause = getattr(request, _MARK, None)
        if cause is None:
            return response
        logger.warning("Outage: %s %s answered 503 (%s)", request.method, request.path, cause)
        return outage_response(request)
