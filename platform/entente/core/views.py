"""Pages of the bare domain (landing), the health endpoints and the accessibility statement every
host answers, metrics, and the refused and missing pages of every host."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .help import help_topic_by_slug, help_topics


def landing(request: HttpRequest) -> HttpResponse:
    """What Entente is, and the way in: the free trial's sign-up (entente.signup)."""
    return render(
        request,
        "core/landing.html",
        {"trial_days": getattr(settings, "ENTENTE_TRIAL_DAYS", 30)},
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement French law requires of a public body's services (article 47
    of law 2005-102, RGAA 4.1), on every host and without logging in: linked from each page's
    footer. Its state is set by ENTENTE_ACCESSIBILITY_STATUS once an audit has been made; until
    then « non conforme » is the only honest answer, with what is done and how to reach us."""
    return render(
        request,
        "core/accessibility.html",
        {
            "status": settings.ENTENTE_ACCESSIBILITY_STATUS,
            "audit_date": settings.ENTENTE_ACCESSIBILITY_AUDIT_DATE,
            "contact_email": settings.ENTENTE_ACCESSIBILITY_CONTACT,
        },
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


# -- Refused and missing pages -----------------------------------------------------------------
# Under /api/ the answer is JSON (api/ shapes it); everywhere else a page that says why, whom
# to ask (the tenant's admins) and a way back.


def _back(request: HttpRequest) -> str:
    """The page the person came from, on this host (never an address elsewhere)."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return "" if referer.endswith(request.get_full_path()) else referer


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: why (the refusal's own message, written for people), whom to ask, a way back."""
    message = str(exception) if exception.args and isinstance(exception.args[0], str) else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or _("Action non autorisée.")}, status=403)
    context = {"message": message, "back": _back(request)}
    return render(request, "403.html", context, status=403)


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    """Every subject of the help, each with its one sentence: open to everyone."""
    return render(request, "core/help_index.html", {"topics": help_topics()})


@require_safe
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = help_topic_by_slug(slug)
    if topic is None:
        raise Http404(slug)
    return render(request, "core/help_page.html", {"topic": topic, "topics": help_topics()})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the home of the tenant (and search, once it exists), and the way back.

    The exception's text is not shown: it may be Django's own (in English, naming models)."""
    if request.path.startswith("/api/"):
        return HttpResponse(status=404)  # api.exceptions.ApiErrorMiddleware answers it in JSON
    return render(request, "404.html", {"back": _back(request)}, status=404)
