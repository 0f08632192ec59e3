"""API permissions: membership of the host's tenant, then abilities in a space.

Session requests had their membership found by `TenantMembershipMiddleware`; requests that
carry an `Authorization` header pass that middleware untouched (their person is only known once
DRF has authenticated the token), so `IsTenantMember` finds the membership here, with the same
per-process cache. It is the default permission of every API view (settings.REST_FRAMEWORK).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission

from entente.accounts.middleware import memberships
from entente.accounts.models import Membership
from entente.federation.access import federated_membership

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


def resolve_membership(request: Request) -> Membership | None:
    """The membership of the request's person in the host's tenant (None on the bare domain)."""
    membership: Membership | None = getattr(request._request, "membership", None)
    if membership is not None:
        return membership
    tenant = getattr(request._request, "tenant", None)
    user = request.user
    if tenant is None or user is None or not user.is_authenticated:
        return None
    membership = memberships.membership(user, tenant) or federated_membership(user, tenant)
    request._request.membership = membership  # type: ignore[attr-defined]
    return membership


class IsTenantMember(BasePermission):
    """The request is on a tenant's host and the person is one of its members."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated(_("Authentification requise."))
        if resolve_membership(request) is None:
            tenant = getattr(request._request, "tenant", None)
            name = tenant.name if tenant is not None else _("cette collectivité")
            raise PermissionDenied(_("Vous n'êtes pas membre de %(tenant)s.") % {"tenant": name})
        return True
