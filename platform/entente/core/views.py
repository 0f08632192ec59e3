"""Pages of the bare domain (landing), the health endpoints every host answers, and metrics."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest


def landing(request: HttpRequest) -> HttpResponse:
    """What Entente is, and the way in: the free trial's sign-up (entente.signup)."""
    return render(
        request,
        "core/landing.html",
        {"trial_days": getattr(settings, "ENTENTE_TRIAL_DAYS", 30)},
    )


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
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for whoever holds METRICS_TOKEN (sent as `Authorization: Bearer`).

    Without a configured token the endpoint does not exist (404), so that a forgotten setting
    never publishes the figures.
    """
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("Metrics are turned off: set METRICS_TOKEN.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        response = HttpResponse(
            "Send the metrics token as `Authorization: Bearer <token>`.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from .metrics import scrape_registry

    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
