"""Bind each request to its tenant by host name, before anything else runs.

The bare domain is the platform's (landing, sign-up, console) and uses the public schema;
`<slug>.<ENTENTE_DOMAIN>` is a tenant's; anything else gets a friendly 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .routing import is_platform_host, tenant_for_host


def request_host(request: HttpRequest) -> str:
    return request.get_host().rsplit(":", 1)[0].lower()


class TenantRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = request_host(request)
        if is_platform_host(host):
            connection.set_schema_to_public()
            request.tenant = None  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            return self.get_response(request)

        tenant = tenant_for_host(host)
        if tenant is None:
            connection.set_schema_to_public()
            request.tenant = None  # type: ignore[attr-defined]
            return render(
                request,
                "tenants/unknown_host.html",
                {"host": host, "platform_url": _platform_url()},
                status=404,
            )
        if not tenant.is_open and not request.path.startswith(("/healthz", "/readyz")):
            connection.set_schema_to_public()
            request.tenant = None  # type: ignore[attr-defined]
            return render(
                request,
                "tenants/unavailable.html",
                {"tenant": tenant, "platform_url": _platform_url()},
                status=503,
            )
        connection.set_tenant(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]
        request.urlconf = settings.ROOT_URLCONF  # type: ignore[attr-defined]
        return self.get_response(request)


def _platform_url() -> str:
    from entente.core.links import absolute_url

    return absolute_url(settings.ENTENTE_DOMAIN, "/")
