"""Vendor staff reading a tenant during a support access its admins granted: read-only, audited.

Runs before the membership middleware. It lets a request through as a support reader only if
the person is staff with an MFA session (see access.py), opened this tenant from the console
(the session names it) and the tenant has a running grant (`request.support_grant`); the
membership middleware then asks `entente.accounts.acting.acting_membership(…, support=True)`,
which gives them a read-only stand-in membership. Any write is refused, and every page they open is
recorded in the audit log that the tenant's admins read. When the grant ends or is revoked,
the next request finds none and the person is an outsider again (the "not a member" page).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from entente.accounts.acting import is_support_reader
from entente.accounts.middleware import OPEN_PATHS
from tenants.models import Tenant

from .access import Access, console_access
from .selectors import active_grant
from .services import record_support_view

SUPPORT_SESSION_KEY = "console_support_tenants"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def support_tenant_ids(request: HttpRequest) -> list[int]:
    value = request.session.get(SUPPORT_SESSION_KEY, [])
    return [int(pk) for pk in value] if isinstance(value, list) else []


def remember_support_tenant(request: HttpRequest, tenant: Tenant) -> None:
    ids = support_tenant_ids(request)
    if tenant.pk not in ids:
        request.session[SUPPORT_SESSION_KEY] = [*ids, tenant.pk]


def forget_support_tenant(request: HttpRequest, tenant: Tenant) -> None:
    ids = support_tenant_ids(request)
    if tenant.pk in ids:
        request.session[SUPPORT_SESSION_KEY] = [pk for pk in ids if pk != tenant.pk]


class SupportAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.support_grant = None  # type: ignore[attr-defined]
        tenant: Tenant | None = getattr(request, "tenant", None)
        user = request.user
        if (
            tenant is None
            or request.path.startswith(OPEN_PATHS)
            or not user.is_authenticated
            or not user.is_staff
            or tenant.pk not in support_tenant_ids(request)
        ):
            return self.get_response(request)
        grant = active_grant(tenant) if console_access(request) is Access.GRANTED else None
        if grant is None:
            forget_support_tenant(request, tenant)
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            message = _(
                "Accès support en lecture seule : l'équipe Entente peut consulter cet espace "
                "mais n'y modifie rien."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "support_read_only"}, status=403)
            return render(
                request, "console/support_read_only.html", {"message": message}, status=403
            )
        request.support_grant = grant  # type: ignore[attr-defined]
        response = self.get_response(request)
        if is_support_reader(getattr(request, "membership", None)):
            record_support_view(
                grant, staff=user, path=request.get_full_path(), method=request.method or "GET"
            )
        return response
