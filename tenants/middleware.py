"""Bind each request to its tenant by host name, before anything else runs.

The bare domain is the platform's (landing, sign-up, console) and uses the public schema;
`<slug>.<ENTENTE_DOMAIN>` is a tenant's; anything else gets a friendly 404, a tenant that is
not open a 503. Every request, whatever its outcome, sets the connection's schema: nothing
that runs after this middleware can see the schema a previous request left behind.

Cost on a warm process: no SQL statement; `SET search_path` only when this connection last
served another schema (see routing.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render

from .routing import is_platform_host, tenant_for_host, use_schema_of

HEALTH_PATHS = ("/healthz", "/readyz")


def request_host(request: HttpRequest) -> str:
    """The host name of the request: validated, lower case, without port or trailing dot."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class TenantRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        try:
            host = request_host(request)
        except DisallowedHost:
            use_schema_of(None)  # the 400 page must not run in the previous request's schema
            raise
        if is_platform_host(host):
            use_schema_of(None)
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return self.get_response(request)

        tenant = tenant_for_host(host)
        if tenant is None:
            use_schema_of(None)
            return render(
                request,
                "tenants/unknown_host.html",
                {"host": host, "platform_url": _platform_url()},
                status=404,
            )
        if not tenant.is_open and not request.path.startswith(HEALTH_PATHS):
            use_schema_of(None)
            return render(
                request,
                "tenants/unavailable.html",
                {"tenant": tenant, "platform_url": _platform_url()},
                status=503,
            )
        use_schema_of(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]
        request.urlconf = settings.ROOT_URLCONF
        return self.get_response(request)


def _platform_url() -> str:
    from entente.core.links import absolute_url

    return absolute_url(settings.ENTENTE_DOMAIN, "/")
