"""GET /api/v1/me/discovery/ (anyone, their own) and /api/v1/analytics/adoption/ (admins)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsTenantMember, resolve_membership
from entente.accounts.models import User
from entente.analytics import selectors
from entente.analytics.access import may_see_adoption

from .serializers import AdoptionSerializer, DiscoverySerializer


class IsAdoptionReader(IsTenantMember):
    """The host tenant's own admins; its other members get a 403."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        super().has_permission(request, view)
        if not may_see_adoption(resolve_membership(request)):
            raise PermissionDenied(_("Réservé aux administrateurs de la collectivité."))
        return True


class MyDiscovery(APIView):
    """Your discovery of Entente in this collectivité: percentage, level, what to try next."""

    @extend_schema(operation_id="me_discovery", responses=DiscoverySerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: User = request.user  # type: ignore[assignment]  # IsTenantMember: logged in
        discovery = selectors.person_discovery(user.pk, request.tenant)  # type: ignore[attr-defined]
        return Response(DiscoverySerializer(discovery).data)


class Adoption(APIView):
    """The collectivité's adoption: counts and shares of people, never a named person."""

    permission_classes = [IsAdoptionReader]

    @extend_schema(operation_id="analytics_adoption", responses=AdoptionSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        adoption = selectors.tenant_adoption(request.tenant)  # type: ignore[attr-defined]
        data = {
            "people": adoption.people,
            "active_7_days": adoption.active_7_days,
            "above": {str(t): n for t, n in adoption.above.items()},
            "levels": adoption.levels,
            "features": [
                {
                    "key": f.key,
                    "name": f.label,
                    "people": n,
                    "share": adoption.share(n),
                }
                for f, n in adoption.per_feature
            ],
            "daily": [{"day": d, "events": n} for d, n in adoption.daily],
            "by_role": [_group(g) for g in adoption.by_role],
            "by_service": [_group(g) for g in adoption.by_service],
        }
        return Response(AdoptionSerializer(data).data)


def _group(group: selectors.Group) -> dict[str, Any]:
    return {
        "name": group.label,
        "people": group.people,
        "active_7_days": group.active_7_days,
        "average_percent": group.average_percent,
        "actions_30_days": group.actions_30_days,
    }
