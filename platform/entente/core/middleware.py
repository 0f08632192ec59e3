"""Middleware for operating the platform: request metrics, and probes that call a pod by IP."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .metrics import UNMATCHED_ROUTE, record_request

# Paths that the platform's own infrastructure calls on each pod.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestMetricsMiddleware:
    """Count and time every request, labelled by route name (never by tenant or URL)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        record_request(
            request.method or "",
            route_label(request),
            response.status_code,
            time.perf_counter() - started,
        )
        return response


def route_label(request: HttpRequest) -> str:
    """The URL pattern's name (`tenant_home`, `api:space-list`), or its pattern when unnamed."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return match.view_name or match.route or UNMATCHED_ROUTE


class ProbeHostMiddleware:
    """Let a probe that calls a pod by its IP address reach the bare domain's health and metrics.

    Kubelet probes and Prometheus address pods by IP, and Prometheus cannot set a Host header.
    Such a request (an IP literal as host, one of PROBE_PATHS) is answered as if sent to the
    bare domain, so it passes ALLOWED_HOSTS and is routed to the public URLs. Nothing else
    changes: any other path, or any host name, goes through the usual host checks.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in PROBE_PATHS and is_ip_host(request.META.get("HTTP_HOST", "")):
            request.META["HTTP_HOST"] = settings.ENTENTE_DOMAIN
        return self.get_response(request)


def is_ip_host(host: str) -> bool:
    """`10.1.2.3`, `10.1.2.3:8000`, `[fd00::1]:8000` are IP literals; names are not."""
    if host.startswith("["):
        address = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        address = host.split(":", 1)[0]
    else:
        address = host
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
