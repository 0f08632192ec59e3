"""A tenant that is not writable (ended trial, set read-only, closing) refuses every write.

Reads, searches and exports go on (safe methods); an unsafe method gets a 403 that says why and
whom to contact: an HTML page, or a JSON error under /api/. Logging in and out and choosing a
language stay possible. Services check too (`space_abilities` drops writes), so nothing that
bypasses HTTP writes either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tenants.models import Tenant, TenantState

from .services import admins_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ALWAYS_ALLOWED = (
    "/comptes/login/",
    "/comptes/logout/",
    "/comptes/2fa/authenticate/",
    "/i18n/",
    "/healthz",
    "/readyz",
)


def read_only_message(tenant: Tenant) -> str:
    """Why this tenant refuses writes, in words its people understand."""
    if tenant.state == TenantState.CLOSING and tenant.closing_on is not None:
        return _(
            "L'espace de %(tenant)s ferme le %(date)s : il est en lecture seule d'ici là. "
            "Vous pouvez tout consulter, rechercher et exporter, mais plus rien modifier."
        ) % {"tenant": tenant.name, "date": date_format(tenant.closing_on, "j F Y")}
    if tenant.state == TenantState.READ_ONLY and tenant.trial_ends_at is not None:
        return _(
            "L'essai gratuit de %(tenant)s est terminé : l'espace est en lecture seule. "
            "Rien n'a été supprimé, vous pouvez tout consulter, rechercher et exporter ; "
            "les modifications reprendront dès qu'une offre sera souscrite."
        ) % {"tenant": tenant.name}
    return _(
        "L'espace de %(tenant)s est en lecture seule : vous pouvez tout consulter, "
        "rechercher et exporter, mais plus rien modifier pour l'instant."
    ) % {"tenant": tenant.name}


def contact_message() -> str:
    return _(
        "Pour rétablir les modifications, un administrateur de votre collectivité peut "
        "écrire à %(email)s."
    ) % {"email": settings.ENTENTE_SALES_EMAIL}


class ReadOnlyTenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant: Tenant | None = getattr(request, "tenant", None)
        if (
            tenant is None
            or tenant.is_writable
            or request.method in SAFE_METHODS
            or request.path.startswith(ALWAYS_ALLOWED)
        ):
            return self.get_response(request)
        message = read_only_message(tenant)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": f"{message} {contact_message()}",
                    "code": "tenant_read_only",
                    "state": tenant.state,
                },
                status=403,
            )
        return render(
            request,
            "trials/read_only.html",
            {
                "message": message,
                "contact": contact_message(),
                "admins": admins_of(tenant),
                "sales_email": settings.ENTENTE_SALES_EMAIL,
            },
            status=403,
        )
