"""API permissions: the tenant membership is checked by middleware; these refine it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsTenantMember(BasePermission):
    """The request is on a tenant's host and the person is one of its members."""

    message = "Vous n'êtes pas membre de cette collectivité."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return getattr(request, "membership", None) is not None
