"""Pages of the bare domain (landing) and the health endpoints every host answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/landing.html")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers. No dependency is checked here (that is readyz)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database, Redis and the template schema are usable."""
    from .health import readiness_checks

    checks = readiness_checks()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                        status=200 if ok else 503)


