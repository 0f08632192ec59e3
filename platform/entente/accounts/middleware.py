"""On a tenant's host, only those who reach it go further.

Anonymous people are sent to log in; a logged-in person who does not reach the tenant gets the
page "you are not a member of <tenant>", never the tenant's content. Pages that must answer
everyone (log in, health, static files) are listed in OPEN_PATHS. API requests carrying an
`Authorization` header go through to DRF, whose `IsTenantMember` applies the same rule.

Who reaches the tenant, and with which membership (their own, a federated stand-in, a support
reader), is `entente.accounts.acting.acting_membership`'s answer, from its per-process caches:
a member's request costs no query for it. The result is `request.membership`, which every page
and the API read.

Then the collectivité's two-factor policy (`entente.accounts.mfa`): a person it covers who has
no second factor yet is sent to the page that says why and how, or refused by the API.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .acting import acting_membership
from .mfa import SETUP_PATHS, lacks_required_factor, policy_refusal

# /invitation/: a citizen's invitation link (entente.citizens) opens before they are a member.
OPEN_PATHS = (
    "/comptes/",
    "/healthz",
    "/readyz",
    "/static/",
    "/i18n/",
    "/favicon.ico",
    "/invitation/",
    "/calendrier/",  # private iCal feeds: the token in the address is the key
    "/mes-seances/acces/",  # the élus' link: its signed token is the key (meetings)
    "/accessibilite/",  # the accessibility statement, owed to everyone (core)
    "/aide/",  # the help pages, for whoever is stuck, logged in or not (core)
    "/scim/",  # a collectivité's directory: its SCIM token is the key (entente.scim)
)


class TenantMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        request.membership = None  # type: ignore[attr-defined]
        if tenant is None or request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if is_api and "HTTP_AUTHORIZATION" in request.META:
            # A personal API token: its person is known only once DRF has authenticated it, so
            # `api.permissions.IsTenantMember` (every API view's default) decides membership.
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return JsonResponse({"detail": _("Authentification requise.")}, status=401)
            return redirect_to_login(request.get_full_path())
        # A running support grant (entente.console.middleware checked it) lets vendor staff in.
        support = getattr(request, "support_grant", None) is not None
        membership = acting_membership(user, tenant, support=support)
        if membership is None:
            if is_api:
                return JsonResponse(
                    {
                        "detail": _("Vous n'êtes pas membre de %(tenant)s.")
                        % {"tenant": tenant.name}
                    },
                    status=403,
                )
            return render(request, "accounts/not_a_member.html", {"tenant": tenant}, status=403)
        request.membership = membership  # type: ignore[attr-defined]
        if not request.path.startswith(SETUP_PATHS) and lacks_required_factor(tenant, membership):
            if is_api:
                return JsonResponse(
                    {"detail": policy_refusal(tenant), "code": "mfa_required"}, status=403
                )
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{SETUP_PATHS[0]}?{query}")
        return self.get_response(request)
