"""The inbox through the API: /api/v1/notifications/… on the host of any tenant one reaches.

The host only decides who may call (its members, like every API view); what is listed and
changed is the caller's own inbox, across all their tenants, never another person's.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import SpaceScopedMixin
from api.fields import POSITIVE_ID, query_flag, query_int
from entente.accounts.models import User
from entente.notifications import preferences, selectors, services
from entente.notifications.models import Notification, NotificationKind

from .serializers import NotificationSerializer, PreferencesSerializer, ReadAllSerializer


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]  # IsTenantMember: logged in


class NotificationList(generics.ListAPIView[Notification]):
    """Your notifications from all your collectivités, newest first."""

    serializer_class = NotificationSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter("unread", bool, description="true : les non lues seulement"),
            OpenApiParameter("tenant", POSITIVE_ID, description="Identifiant d'une collectivité"),
            OpenApiParameter("kind", str, enum=NotificationKind.values, description="Type"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        params = self.request.query_params
        kind = params.get("kind") or ""
        if kind and kind not in NotificationKind.values:
            raise exceptions.ValidationError({"kind": [_("Type de notification inconnu.")]})
        return selectors.filtered(
            _user(self.request),
            unread=query_flag(params, "unread"),
            tenant_id=query_int(params, "tenant", empty_is_absent=True),
            kind=kind,
        )


class MarkRead(APIView):
    """Mark one of your notifications read (another person's answers 404)."""

    @extend_schema(
        operation_id="notifications_read",
        request=None,
        responses={200: NotificationSerializer, 404: OpenApiResponse(description="Introuvable")},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        if not services.mark_read(user, pk):
            raise exceptions.NotFound(_("Notification introuvable."))
        return Response(NotificationSerializer(selectors.own(user, pk)).data)


class ReadAll(APIView):
    """Mark all your unread notifications read (of one collectivité with `?tenant=`)."""

    @extend_schema(
        operation_id="notifications_read_all",
        request=None,
        parameters=[
            OpenApiParameter("tenant", POSITIVE_ID, description="Seulement cette collectivité")
        ],
        responses={200: ReadAllSerializer},
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        tenant_id = query_int(request.query_params, "tenant", empty_is_absent=True)
        rows_tenant = None
        if tenant_id is not None:
            from tenants.models import Tenant

            rows_tenant = Tenant.objects.filter(pk=tenant_id).first()
            if rows_tenant is None:  # as the schema says of every unknown collectivité
                raise exceptions.NotFound(_("Collectivité inconnue."))
        return Response({"marked": services.mark_all_read(user, tenant=rows_tenant)})


class Preferences(SpaceScopedMixin, APIView):
    """How you receive each kind of notification; per space of the host's collectivité."""

    def _spaces(self, request: Request) -> set[int]:
        from entente.spaces.selectors import my_spaces

        return set(my_spaces(self.membership).values_list("pk", flat=True))

    def _data(self, request: Request) -> dict[str, Any]:
        user = _user(request)
        tenant = request.tenant  # type: ignore[attr-defined]
        overrides = selectors.space_overrides(user, tenant.pk)
        return {
            "kinds": selectors.general_preferences(user),
            "spaces": [
                {"space_id": space_id, "kind": kind, "delivery": delivery}
                for (kind, space_id), delivery in sorted(overrides.items())
            ],
        }

    @extend_schema(operation_id="notifications_preferences", responses={200: PreferencesSerializer})
    def get(self, request: Request) -> Response:
        return Response(self._data(request))

    @extend_schema(
        operation_id="notifications_preferences_update",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer},
    )
    def put(self, request: Request) -> Response:
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        tenant = request.tenant  # type: ignore[attr-defined]
        spaces = serializer.validated_data.get("spaces") or []
        allowed = self._spaces(request) if spaces else set()
        strangers = sorted({s["space_id"] for s in spaces} - allowed)
        if strangers:
            raise exceptions.ValidationError(
                {
                    "spaces": [
                        _("Espaces inconnus ou hors de votre portée : %(ids)s")
                        % {"ids": ", ".join(map(str, strangers))}
                    ]
                }
            )
        with transaction.atomic():
            for kind, delivery in serializer.validated_data["kinds"].items():
                preferences.set_preference(user.pk, kind, delivery)
            for item in spaces:
                if item["delivery"] is None:
                    preferences.clear_preference(
                        user.pk, item["kind"], tenant_id=tenant.pk, space_id=item["space_id"]
                    )
                else:
                    preferences.set_preference(
                        user.pk,
                        item["kind"],
                        item["delivery"],
                        tenant_id=tenant.pk,
                        space_id=item["space_id"],
                    )
        return Response(self._data(request), status=status.HTTP_200_OK)
