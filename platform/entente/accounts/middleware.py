"""On a tenant's host, only its members go further.

Anonymous people are sent to log in; a logged-in person who is not a member gets the page
"you are not a member of <tenant>", never the tenant's content. Pages that must answer
everyone (log in, health, static files) are listed in OPEN_PATHS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .selectors import membership_for

OPEN_PATHS = ("/comptes/", "/healthz", "/readyz", "/static/", "/i18n/", "/favicon.ico")


class TenantMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        request.membership = None  # type: ignore[attr-defined]
        if tenant is None or request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return JsonResponse(
                    {"detail": _("Authentification requise.")}, status=401
                )
            return redirect_to_login(request.get_full_path())
        membership = membership_for(user, tenant)  # type: ignore[arg-type]
        if membership is None:
            if is_api:
                return JsonResponse(
                    {"detail": _("Vous n'êtes pas membre de %(tenant)s.") % {"tenant": tenant.name}},
                    status=403,
                )
            return render(request, "accounts/not_a_member.html", {"tenant": tenant}, status=403)
        request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)
