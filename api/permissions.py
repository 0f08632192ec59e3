"""API permissions: the acting membership of the host's tenant, then abilities in a space.

Session requests had their membership found by `TenantMembershipMiddleware`; requests that
carry an `Authorization` header pass that middleware untouched (their person is only known once
DRF has authenticated the token), so `IsTenantMember` asks the same question here
(`entente.accounts.acting.acting_membership`, the same per-process caches) and keeps the answer
as `request.membership`. It is the default permission of every API view
(settings.REST_FRAMEWORK). DRF's `Request` reads attributes it lacks from Django's request, so
`request.membership` and `request.tenant` read the same on both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission

from entente.accounts.acting import acting_membership
from entente.accounts.mfa import lacks_required_factor, policy_refusal
from entente.accounts.models import Membership

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


def resolve_membership(request: Request) -> Membership | None:
    """The membership the request's person acts with on the host's tenant (None: bare domain,
    anonymous, or not reaching it). Resolved at most once per request."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is not None:
        return membership
    tenant = getattr(request, "tenant", None)
    user = request.user
    if tenant is None or user is None or not user.is_authenticated:
        return None
    membership = acting_membership(user, tenant)
    request.membership = membership  # type: ignore[attr-defined]  # on DRF's Request
    return membership


class IsTenantMember(BasePermission):
    """The request is on a tenant's host and the person reaches it (member or stand-in)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated(_("Authentification requise."))
        if resolve_membership(request) is None:
            tenant = getattr(request, "tenant", None)
            name = tenant.name if tenant is not None else _("cette collectivité")
            raise PermissionDenied(_("Vous n'êtes pas membre de %(tenant)s.") % {"tenant": name})
        # A token's request never met the middleware's two-factor check: the same rule here.
        tenant = request.tenant  # type: ignore[attr-defined]
        membership = request.membership  # type: ignore[attr-defined]
        token = "HTTP_AUTHORIZATION" in request.META
        if token and lacks_required_factor(tenant, membership):
            raise PermissionDenied(policy_refusal(tenant), code="mfa_required")
        return True
